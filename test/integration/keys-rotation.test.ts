import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Rotating the bootstrap admin key (issue 9, finding 7) on the real server: a changed VR_API_KEY
 * replaces the previous key at start, a removed one keeps the current key, weak or revoked
 * configured keys stop start-up naming the setting.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'vr-rotate-'));
const CONFIG = '[engine]\nworkers = 1\n';
const A = 'vr_3e8b1d6a9c2f5e0b7a4d1c8f2e5b9a6d3c0f7e1b';
const B = 'vr_a5d2f9c6b3e0a7d4c1f8b5e2a9d6c3f0b7e4a1d8';
let server: TestServer | undefined;

afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
});

async function runWith(key: string): Promise<TestServer> {
  await server?.stop();
  server = await startServer({ dataDir, adminKey: key, config: CONFIG });
  return server;
}

/** Start-up that must fail: the exit code and everything the server wrote. */
async function refusedStart(env: Record<string, string>): Promise<string> {
  await server?.stop();
  server = undefined;
  const err = await startServer({ dataDir, config: CONFIG, env, waitReady: false }).then(
    (s) => s.kill().then(() => new Error('server started')),
    (e: unknown) => e as Error,
  );
  return err.message;
}

describe('bootstrap key rotation', () => {
  it('a new VR_API_KEY replaces the previous bootstrap key, which answers 401 from then on', async () => {
    const first = await runWith(A);
    const a = new Api(first.url, A);
    const before = await a.client.listKeys();
    expect(a.lastStatus).toBe(200);
    const [idA] = before.items.map((k) => k.id);

    const second = await runWith(B);
    const refused = await new Api(second.url, A).json<{ error: { code: string } }>('GET', '/v1/speakers');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    const b = new Api(second.url, B);
    const listed = await b.client.listKeys();
    expect(b.lastStatus).toBe(200);
    expect(listed.items).toEqual([
      expect.objectContaining({ id: idA, name: 'bootstrap', admin: true, revoked: true }),
      expect.objectContaining({ name: 'bootstrap', admin: true, revoked: false }),
    ]);
    // Logged by id, never with the secret.
    const line = second.logs.find((l) => l.includes('previous bootstrap admin key revoked'));
    expect(line).toContain(idA);
    expect(second.logs.join('\n')).not.toContain(A);
    expect(second.logs.join('\n')).not.toContain(B);
  });

  it('with VR_API_KEY removed, the current bootstrap key keeps working and no key is printed', async () => {
    await server?.stop();
    server = await startServer({ dataDir, config: CONFIG, env: { VR_API_KEY: '' } });
    expect((await new Api(server.url, B).json('GET', '/v1/keys')).status).toBe(200);
    expect((await new Api(server.url, A).json('GET', '/v1/keys')).status).toBe(401);
    expect(server.logs.join('\n')).not.toMatch(/admin API key \(shown once/);
  });

  it('refuses to start with a weak key, naming VR_API_KEY and never echoing it', async () => {
    const weak = 'password123password123password123';
    const message = await refusedStart({ VR_API_KEY: weak });
    expect(message).toMatch(/exited with 78/);
    expect(message).toMatch(/"security\.api_key" \(set by VR_API_KEY\): too weak/);
    expect(message).not.toContain(weak);
  });

  it('refuses to start with a configured key that was revoked', async () => {
    const message = await refusedStart({ VR_API_KEY: A });
    expect(message).toMatch(/exited with 78/);
    expect(message).toMatch(
      /configured bootstrap key \(VR_API_KEY or security\.api_key\) is the key key_\S+, which was revoked/,
    );
    expect(message).not.toContain(A);
  });
});
