import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../src/api/routes/files.js';
import type { Clock } from '../../../src/lib/clock.js';
import { KeyService } from '../../../src/services/keys.js';
import { Presigner } from '../../../src/services/presign.js';
import { hmacHex, loadOrCreateSecrets, seal, unseal } from '../../../src/services/secrets.js';
import { bodyDigest, expectedSignature, parseSignatureHeader } from '../../../src/services/signature.js';
import { openDatabase } from '../../../src/store/db.js';
import { KeysRepo } from '../../../src/store/keys-repo.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

const clockAt = (ms: number): Clock & { set(ms: number): void } => {
  let now = ms;
  return { now: () => now, set: (v) => (now = v) };
};

describe('secrets', () => {
  it('creates a 0600 master secret once and derives distinct subkeys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-sec-'));
    const a = loadOrCreateSecrets(dir);
    const b = loadOrCreateSecrets(dir);
    expect(a.sealKey.equals(b.sealKey)).toBe(true);
    expect(a.sealKey.equals(a.presignKey)).toBe(false);
    expect(a.keyPepper.equals(a.presignKey)).toBe(false);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
  });

  it('seals and unseals, and detects tampering', () => {
    const { sealKey } = loadOrCreateSecrets(mkdtempSync(join(tmpdir(), 'vr-sec-')));
    const sealed = seal(sealKey, 'vr_secret');
    expect(sealed).not.toContain('vr_secret');
    expect(unseal(sealKey, sealed)).toBe('vr_secret');
    const parts = sealed.split('.');
    parts[2] = Buffer.from('vr_secreX').toString('base64url');
    expect(() => unseal(sealKey, parts.join('.'))).toThrow();
  });
});

describe('keys at rest', () => {
  it('stores neither the key nor anything that authenticates as it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-keys-'));
    const db = openDatabase(join(dir, 'db.sqlite'));
    const keys = new KeyService(new KeysRepo(new SqliteSql(db)), loadOrCreateSecrets(dir), clockAt(0));
    const { id, key } = await keys.create({ name: 'a', project: 'p1', admin: false });
    const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as Record<string, string>;
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await keys.authenticate(row.key_hash as string)).toBeUndefined();
    expect(await keys.authenticate(key)).toEqual({ keyId: id, project: 'p1', admin: false });
    expect((await keys.signingKey(id))?.key).toBe(key);
    await keys.revoke(id);
    expect(await keys.authenticate(key)).toBeUndefined();
    expect(await keys.signingKey(id)).toBeUndefined();
  });
});

describe('request signatures', () => {
  it('parses the SPEC header and rejects malformed ones', () => {
    const v1 = 'a'.repeat(64);
    expect(parseSignatureHeader(`k=key_x,t=1700000000,v1=${v1}`)).toEqual({
      keyId: 'key_x',
      timestamp: 1700000000,
      v1,
    });
    expect(parseSignatureHeader(`k=key_x,t=abc,v1=${v1}`)).toBeUndefined();
    expect(parseSignatureHeader('k=key_x,t=1700000000,v1=zz')).toBeUndefined();
    expect(parseSignatureHeader('garbage')).toBeUndefined();
  });

  it('signs t.METHOD.path.sha256(body) with the key string', () => {
    const body = '{"a":1}';
    const sig = expectedSignature('vr_k', 1700000000, 'post', '/v1/synthesize?x=1', bodyDigest(body));
    expect(sig).toBe(hmacHex('vr_k', `1700000000.POST./v1/synthesize?x=1.${bodyDigest(body)}`));
    expect(bodyDigest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('presigned URLs', () => {
  const key = Buffer.alloc(32, 7);
  it('verifies its own URLs until they expire', () => {
    const clock = clockAt(1_000_000);
    const p = new Presigner(key, 900, clock);
    const id = 'file_AAAAAAAAAAAAAAAA';
    const url = new URL(p.sign(id).path, 'http://x');
    const exp = url.searchParams.get('exp') ?? '';
    const sig = url.searchParams.get('sig') ?? '';
    expect(p.verify(id, exp, sig)).toBe(true);
    clock.set(1_000_000 + 901_000);
    expect(p.verify(id, exp, sig)).toBe(false);
  });

  it('refuses any altered part', () => {
    const p = new Presigner(key, 900, clockAt(0));
    const id = 'file_AAAAAAAAAAAAAAAA';
    const url = new URL(p.sign(id).path, 'http://x');
    const exp = url.searchParams.get('exp') ?? '';
    const sig = url.searchParams.get('sig') ?? '';
    expect(p.verify('file_BAAAAAAAAAAAAAAA', exp, sig)).toBe(false);
    expect(p.verify(id, String(Number(exp) + 1000), sig)).toBe(false);
    expect(p.verify(id, exp, sig.replace(/^./, sig[0] === '0' ? '1' : '0'))).toBe(false);
    expect(p.verify('../../etc/passwd', exp, sig)).toBe(false);
    expect(p.verify(id, undefined, sig)).toBe(false);
  });
});

describe('HTTP ranges', () => {
  it('parses single ranges per RFC 9110', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-9', 1000)).toBeUndefined();
    expect(parseRange('', 1000)).toBeUndefined();
  });
});
