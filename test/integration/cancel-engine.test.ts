import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Canceling running jobs, through the real server with one synthesis thread. Canceling used to
 * terminate the job's worker thread; its replacement starts by loading Silero in onnxruntime, and
 * a cancel that terminated a thread inside onnxruntime made node-addon-api throw a C++ exception
 * into std::terminate: the server died with SIGABRT (the chaos fuzz found it).
 */
describe('canceling running jobs', () => {
  let server: TestServer;
  let api: Api;
  beforeAll(async () => {
    server = await startServer({ config: '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n' });
    api = new Api(server.url, server.adminKey);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('never ends the server, and the next job still succeeds', async () => {
    const line = Array.from(
      { length: 12 },
      (_, i) => `Sentence ${i + 1} keeps the engine busy a while.`,
    ).join(' ');
    const script = Array.from({ length: 4 }, () => ({ voice: 'builtin-en', text: line }));
    let exited = false;
    server.proc.once('exit', () => (exited = true));
    // Four clients at once, each canceling its jobs at moments spread over a line's rendering and
    // over the start of a thread (each cancel of a running line used to replace the thread).
    const client = async (lane: number) => {
      for (let round = 0; round < 10 && !exited; round++) {
        const { job_id } = await api.client.synthesize({ script });
        await new Promise((r) => setTimeout(r, ((lane * 10 + round) * 37) % 300));
        await api.client.cancelJob(job_id);
        expect((await api.client.getJob(job_id)).status).toBe('canceled');
      }
    };
    // A dead server fails the clients' requests; what matters first is how it died.
    const lanes = await Promise.allSettled([0, 1, 2, 3].map(client));
    expect(exited && `server ended by ${server.proc.signalCode ?? server.proc.exitCode}`).toBe(false);
    expect(lanes.map((l) => l.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const { job_id } = await api.client.synthesize({
      script: [{ voice: 'builtin-en', text: 'Still here.' }],
    });
    expect((await api.client.waitForJob(job_id)).status).toBe('succeeded');
  });
});
