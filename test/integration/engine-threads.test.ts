import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/** Resident memory of the whole server process (every thread), in MiB. */
function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024;
}

describe.runIf(process.platform === 'linux')('engine threads', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Two synthesis workers and one analysis worker, as on a 2-core machine, whatever runs this.
    server = await startServer({ config: '[engine]\nworkers = 2\nanalysis_workers = 1\n' });
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('holds under 800 MB with no model packs: engine threads share the Japanese dictionary', async () => {
    // Each thread loading its own kuromoji dictionary and eSpeak put this at ~1.4 GB.
    expect(rssMib(server.proc.pid!)).toBeLessThan(800);
    // Japanese still reads right on a synthesis worker (through the shared dictionary).
    const res = await fetch(`${server.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        input: '東京に行きます。',
        model: 'voicereel',
        voice: 'builtin-ja',
        response_format: 'wav',
      }),
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(44 + 24000);
  });

  it('run below the HTTP thread: workers and their onnxruntime threads at engine.worker_nice (10)', () => {
    const pid = server.proc.pid!;
    const nice = (tid: string) => {
      // Field 19 of /proc/<pid>/task/<tid>/stat, counted after the command name's closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const tasks = readdirSync(`/proc/${pid}/task`);
    expect(nice(String(pid))).toBe(0);
    // Two synthesis workers and one analysis worker (each with its own onnxruntime threads or none).
    expect(tasks.filter((t) => nice(t) === 10).length).toBeGreaterThanOrEqual(3);
  });
});
