import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startApp } from '../helpers/app.js';
import { Api } from '../helpers/api.js';

/**
 * The console's server side over real HTTP: the page and its security headers, sign-in exchanging a
 * key for an HttpOnly session, CSRF refusals, sign-out and revocation ending the session, project
 * scoping. The browser itself is driven in console-browser.test.ts.
 */

/** The initial JavaScript the page loads, gzipped; raise only with a reason (docs/console.md). */
export const INITIAL_JS_BUDGET_BYTES = 24 * 1024;

let server: AppServer;
let admin: Api;

beforeAll(async () => {
  server = await startApp();
  admin = new Api(server.url, server.adminKey);
});
afterAll(() => server?.stop());

async function signIn(key: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ key }),
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, cookie, body, session: cookie.split(';')[0] ?? '' };
}

function withSession(
  session: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { Cookie: session, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

describe('console', () => {
  it('serves the page and its assets from the bundle with a strict CSP and security headers', async () => {
    for (const path of ['/', '/console/app.js', '/console/app.css']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      for (const [h, v] of Object.entries(SECURITY_HEADERS))
        expect(res.headers.get(h), `${path} ${h}`).toBe(v);
    }
    const html = await (await fetch(`${server.url}/`)).text();
    // No inline script and nothing from another origin.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await fetch(`${server.url}/console/nope.js`)).status).toBe(404);
  });

  it(`keeps the initial JavaScript under its budget (${INITIAL_JS_BUDGET_BYTES} bytes gzipped)`, () => {
    const js = readFileSync('build/assets/console/app.js');
    const gz = gzipSync(js, { level: 9 }).length;
    expect(gz).toBeLessThan(INITIAL_JS_BUDGET_BYTES);
    // Nothing fetched from elsewhere at run time.
    expect(js.toString()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('exchanges a key for an HttpOnly SameSite=Strict session; the key is not echoed', async () => {
    expect((await signIn('vr_wrong-key-0000')).status).toBe(401);
    const { status, cookie, body, session } = await signIn(server.adminKey);
    expect(status).toBe(201);
    expect(cookie).toMatch(/^vr_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    expect(cookie.toLowerCase()).toContain('path=/');
    expect(cookie).not.toContain('secure'); // plain HTTP here; Secure under TLS
    expect(JSON.stringify(body)).not.toContain(server.adminKey);
    expect(body).toMatchObject({ project: 'default', admin: true });
    const me = await withSession(session, 'GET', '/v1/sessions/current');
    expect(((await me.json()) as { csrf_token: string }).csrf_token).toBe(body.csrf_token);
    expect((await withSession(session, 'GET', '/v1/keys')).status).toBe(200);
  });

  it('refuses cookie writes without the CSRF token, from another origin, or cross-site', async () => {
    const { session, body } = await signIn(server.adminKey);
    const csrf = String(body.csrf_token);
    const make = (headers: Record<string, string>) =>
      withSession(session, 'POST', '/v1/keys', headers, { name: 'csrf', project: 'p1' });
    expect((await make({})).status).toBe(403);
    expect((await make({ 'X-VR-CSRF': 'forged' })).status).toBe(403);
    expect((await make({ 'X-VR-CSRF': csrf, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await make({ 'X-VR-CSRF': csrf, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    const refused = await make({ 'X-VR-CSRF': csrf, Origin: 'http://evil.example' });
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    // Login CSRF: another site cannot sign the browser in either.
    expect((await signIn(server.adminKey, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await make({ 'X-VR-CSRF': csrf, Origin: server.url })).status).toBe(201);
  });

  it('sign-out ends the session on the server; revoking the key ends its sessions', async () => {
    const a = await signIn(server.adminKey);
    const out = await withSession(a.session, 'DELETE', '/v1/sessions/current', {
      'X-VR-CSRF': String(a.body.csrf_token),
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/vr_session=;/);
    expect((await withSession(a.session, 'GET', '/v1/keys')).status).toBe(401);

    const made = await admin.json<{ id: string; key: string }>('POST', '/v1/keys', {
      name: 'temp',
      project: 'p2',
    });
    const b = await signIn(made.body.key);
    expect((await withSession(b.session, 'GET', '/v1/usage')).status).toBe(200);
    expect((await admin.json('DELETE', `/v1/keys/${made.body.id}`)).status).toBe(204);
    expect((await withSession(b.session, 'GET', '/v1/usage')).status).toBe(401);
    expect((await signIn(made.body.key)).status).toBe(401);
  });

  it("a project key's session cannot reach admin routes or another project's data", async () => {
    const made = await admin.json<{ key: string }>('POST', '/v1/keys', { name: 'producer', project: 'p3' });
    const { session } = await signIn(made.body.key);
    expect((await withSession(session, 'GET', '/v1/keys')).status).toBe(403);
    expect((await withSession(session, 'GET', '/v1/admin/system')).status).toBe(403);
    const usage = (await (await withSession(session, 'GET', '/v1/usage')).json()) as {
      projects: Array<{ project: string }>;
    };
    expect(usage.projects.every((p) => p.project === 'p3')).toBe(true);
    const system = await admin.json<{ version: string; voices: unknown[] }>('GET', '/v1/admin/system');
    expect(system.status).toBe(200);
    expect(system.body.voices.length).toBeGreaterThan(0);
  });
});
