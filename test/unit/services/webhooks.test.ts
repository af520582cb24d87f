import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors.js';
import { hostAllowed, signWebhook, WebhookService } from '../../../src/services/webhooks.js';

describe('webhook signatures', () => {
  it('match the Standard Webhooks reference vector', () => {
    // From the Standard Webhooks specification's own test suite.
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const sig = signWebhook(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('use a different secret per project, stable for one root key', () => {
    const a = new WebhookService(Buffer.alloc(32, 1), ['x']);
    const b = new WebhookService(Buffer.alloc(32, 1), ['x']);
    expect(a.secretFor('p1')).toBe(b.secretFor('p1'));
    expect(a.secretFor('p1')).not.toBe(a.secretFor('p2'));
    expect(a.secretFor('p1')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});

describe('callback URL allow-list', () => {
  it('matches exact hosts and one-label wildcards, not the bare parent', () => {
    const allowed = ['hooks.example.com', '*.corp.test'];
    expect(hostAllowed('hooks.example.com', allowed)).toBe(true);
    expect(hostAllowed('evil-hooks.example.com', allowed)).toBe(false);
    expect(hostAllowed('a.corp.test', allowed)).toBe(true);
    expect(hostAllowed('a.b.corp.test', allowed)).toBe(true);
    expect(hostAllowed('corp.test', allowed)).toBe(false);
    expect(hostAllowed('xcorp.test', allowed)).toBe(false);
  });

  it('refuses every callback while the list is empty, naming the setting', () => {
    const none = new WebhookService(Buffer.alloc(32), []);
    expect(none.checkUrl(undefined)).toBeUndefined();
    try {
      none.checkUrl('https://hooks.example.com/x');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).message).toMatch(/\[webhooks\] allowed_hosts/);
    }
    const some = new WebhookService(Buffer.alloc(32), ['hooks.example.com']);
    expect(some.checkUrl('https://hooks.example.com:8443/x?y=1')).toBe(
      'https://hooks.example.com:8443/x?y=1',
    );
    expect(() => some.checkUrl('https://other.example.com/x')).toThrow(/allowed_hosts/);
    // Checked again before each delivery: a host taken off the list gets nothing more.
    expect(some.stillAllowed('https://hooks.example.com/x')).toBe(true);
    expect(none.stillAllowed('https://hooks.example.com/x')).toBe(false);
  });
});
