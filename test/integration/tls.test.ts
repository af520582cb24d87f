import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'vr-tls-'));
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
let ca: Buffer;
let server: TestServer;

const tlsConfig = (cert: string, key: string) =>
  `[tls]\ncert = ${JSON.stringify(cert)}\nkey = ${JSON.stringify(key)}\n`;

/** One HTTPS request trusting only the test's own certificate; resolves with the negotiated protocol. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET', send?: string) {
  return new Promise<{
    status: number;
    body: string;
    protocol: string | null;
    headers: import('node:http').IncomingHttpHeaders;
  }>((resolve, reject) => {
    const req = request(`${server.url}${path}`, { ca, headers, agent: false, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          protocol: (res.socket as import('node:tls').TLSSocket).getProtocol(),
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end(send);
  });
}

/** A bare TLS handshake limited to the given versions; resolves with the protocol or rejects. */
function handshake(minVersion: SecureVersion, maxVersion: SecureVersion): Promise<string | null> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca, minVersion, maxVersion }, () => {
      const protocol = socket.getProtocol();
      socket.end();
      resolve(protocol);
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  ca = readFileSync(certFile);
  server = await startServer({ config: tlsConfig(certFile, keyFile), ca });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
  removeDir(dir);
});

describe('TLS', () => {
  it('logs an https URL', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers a TLS 1.3 client on /healthz and on an authenticated /v1 route', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.protocol).toBe('TLSv1.3');
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });

    const speakers = await get('/v1/speakers', { 'X-VR-APIKEY': server.adminKey });
    expect(speakers.status, speakers.body).toBe(200);
    expect(JSON.parse(speakers.body)).toMatchObject({ items: [], total: 0 });
    expect((await get('/v1/speakers')).status).toBe(401);
    expect(await handshake('TLSv1.3', 'TLSv1.3')).toBe('TLSv1.3');
  });

  it('marks the console session cookie Secure', async () => {
    const body = JSON.stringify({ key: server.adminKey });
    const res = await get('/v1/sessions', { 'Content-Type': 'application/json' }, 'POST', body);
    expect(res.status, res.body).toBe(201);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^vr_session=/);
    expect(cookie.toLowerCase()).toMatch(/; secure\b/);
    expect(cookie.toLowerCase()).toContain('httponly');
  });

  it('refuses a client limited to TLS 1.2 (and 1.1)', async () => {
    await expect(handshake('TLSv1.2', 'TLSv1.2')).rejects.toThrow(/protocol version|alert/i);
    await expect(handshake('TLSv1', 'TLSv1.2')).rejects.toThrow(/protocol version|alert|no protocols/i);
  });

  it('refuses plain HTTP on the TLS port', async () => {
    const plain = server.url.replace(/^https:/, 'http:');
    const res = await fetch(`${plain}/healthz`).catch((err: unknown) => err);
    // Node answers a non-TLS request on a TLS socket with nothing usable: a reset, or a bare 400.
    if (res instanceof Response) expect(res.status).toBe(400);
    else expect(res).toBeInstanceOf(Error);
  });
});

describe('TLS start-up errors', () => {
  const failing = async (config: string) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vr-tls-bad-'));
    try {
      const started = await startServer({ config, dataDir, waitReady: false });
      await started.kill();
      return 'server started';
    } catch (err) {
      return (err as Error).message;
    } finally {
      removeDir(dataDir);
    }
  };

  it('names the missing key when only one of cert/key is set', async () => {
    expect(await failing(`[tls]\ncert = ${JSON.stringify(certFile)}\n`)).toMatch(/"tls\.key".*set together/);
    expect(await failing(`[tls]\nkey = ${JSON.stringify(keyFile)}\n`)).toMatch(/"tls\.cert".*set together/);
  });

  it('names an unreadable file', async () => {
    expect(await failing(tlsConfig(certFile, join(dir, 'absent.pem')))).toMatch(
      /cannot read tls\.key file .*absent\.pem: ENOENT/,
    );
    expect(await failing(tlsConfig(dir, keyFile))).toMatch(/cannot read tls\.cert file .*: EISDIR/);
  });

  it('refuses a key that is not the certificate’s', async () => {
    const otherKey = join(dir, 'other-key.pem');
    execFileSync(
      'openssl',
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', otherKey],
      {
        stdio: 'pipe',
      },
    );
    expect(await failing(tlsConfig(certFile, otherKey))).toMatch(
      /not a usable PEM certificate and its private key/,
    );
  });
});
