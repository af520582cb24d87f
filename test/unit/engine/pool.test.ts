import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnginePool, type EnginePool } from '../../../src/engine/pool.js';
import type { RenderLineRequest } from '../../../src/engine/contract.js';
import type { EngineWorkerData, PingResult } from '../../../src/engine/tasks.js';
import type { RenderedSpeech } from '../../../src/engine/types.js';

/**
 * The real bundle from build/ (vitest's global setup runs scripts/build.mjs): the worker bundled as
 * CommonJS, piscina's bootstrap beside it, and the assets it is told about through workerData.
 */
function bundledWorker(): { workerFile: string; workerData: EngineWorkerData } {
  const dir = resolve('build');
  return {
    workerFile: join(dir, 'engine-worker.cjs'),
    workerData: {
      espeakData: join(dir, 'assets', 'espeak-ng.data'),
      kuromojiDict: join(dir, 'assets', 'kuromoji-dict'),
      onnxRuntime: join(dir, 'native', 'onnxruntime-node'),
      sileroVad: join(dir, 'assets', 'silero_vad.onnx'),
      packs: [],
      device: 'cpu',
      intraOpThreads: 1,
    },
  };
}

describe('engine pool on the bundled worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vr-engine-'));
  let bundle: { workerFile: string; workerData: EngineWorkerData };
  let pool: EnginePool | undefined;

  beforeAll(async () => {
    bundle = bundledWorker();
  });
  afterAll(async () => {
    await pool?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts two warmed-up threads and speaks on both at once', async () => {
    const t = performance.now();
    pool = await createEnginePool({ ...bundle, threads: 2 });
    console.log(`pool of 2 ready in ${(performance.now() - t).toFixed(0)} ms`);
    expect(pool.size).toBe(2);
    expect(pool.busy()).toBe(0);

    const threads = new Set(
      (
        await Promise.all([pool.run<PingResult>({ kind: 'ping' }), pool.run<PingResult>({ kind: 'ping' })])
      ).map((p) => p.threadId),
    );
    expect(threads.size).toBe(2);

    const requests = [
      { text: 'Hello there, how are you today?', lang: 'en' as const, profile: null },
      { text: '안녕하세요. 오늘 날씨가 좋네요.', lang: 'ko' as const, profile: null },
      { text: '今日は良い天気ですね。', lang: 'ja' as const, profile: null },
      { text: 'The pool runs two of these at a time.', lang: 'en' as const, profile: null },
    ];
    const started = performance.now();
    const pending = requests.map((req) => pool!.run<RenderedSpeech>({ kind: 'speak', req }));
    expect(pool.busy() + pool.queued()).toBe(4);
    expect(pool.busy()).toBeLessThanOrEqual(2);
    const results = await Promise.all(pending);
    console.log(`4 speak tasks on 2 threads: ${(performance.now() - started).toFixed(0)} ms`);

    expect(results.map((r) => r.words.length)).toEqual([6, 4, 3, 9]);
    for (const r of results) {
      expect(r.samples).toBeInstanceOf(Float32Array);
      expect(r.sampleRate).toBe(22050);
      expect(r.samples.length).toBeGreaterThan(22050 / 2);
    }
    expect(results[2]!.words.map((w) => w.text)).toEqual(['今日は', '良い', '天気ですね。']);
    expect(pool.busy()).toBe(0);
    expect(pool.queued()).toBe(0);
  });

  it('cancels a running task without ending its thread (ending one inside onnxruntime aborts the process)', async () => {
    const one = await createEnginePool({ ...bundle, threads: 1 });
    try {
      const before = (await one.run<PingResult>({ kind: 'ping' })).threadId;
      const text = Array.from({ length: 40 }, (_, i) => `This is sentence number ${i + 1} of a long line.`);
      const req: RenderLineRequest = {
        text: text.join(' '),
        lang: 'en',
        voice: { engine: 'builtin', profile: null, speed: 1 },
        sentenceGapSeconds: 0.2,
      };
      const running = new AbortController();
      const rendering = one.run<RenderedSpeech>({ kind: 'renderLine', req }, { signal: running.signal });
      // Queued behind it: canceled before a thread is free, so it must not run either.
      const queued = new AbortController();
      const waiting = one.run<RenderedSpeech>({ kind: 'renderLine', req }, { signal: queued.signal });
      await new Promise((r) => setTimeout(r, 150));
      expect(one.busy()).toBe(1);
      running.abort(new Error('job canceled'));
      queued.abort(new Error('job canceled'));
      await expect(rendering).rejects.toMatchObject({
        name: 'AbortError',
        cause: { message: 'job canceled' },
      });
      await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
      // The same thread answers next: it stopped at a checkpoint instead of being terminated.
      expect((await one.run<PingResult>({ kind: 'ping' })).threadId).toBe(before);
      expect(one.busy()).toBe(0);
      // An already aborted signal is refused before the task is sent.
      await expect(one.run({ kind: 'ping' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
        name: 'AbortError',
      });
    } finally {
      await one.destroy();
    }
  });

  it('rejects with the worker’s reason when the engine cannot load', async () => {
    const bad = { ...bundle.workerData, espeakData: join(dir, 'missing', 'espeak-ng.data') };
    await expect(
      createEnginePool({ workerFile: bundle.workerFile, threads: 1, workerData: bad }),
    ).rejects.toThrow(/engine workers failed to start.*missing\/espeak-ng\.data/);
  });

  it('rejects instead of hanging when the worker file is missing', async () => {
    await expect(
      createEnginePool({
        workerFile: join(dir, 'nope.cjs'),
        threads: 1,
        workerData: bundle.workerData,
        startupTimeoutMs: 20_000,
      }),
    ).rejects.toThrow(/engine workers failed to start.*nope\.cjs.*Cannot find module/);
  });
});
