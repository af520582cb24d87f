/**
 * `npm run bench:engines`: neural engine figures (docs/benchmarks.md §4).
 *
 * - session load time and resident memory per loaded session (in this process, as a worker does it);
 * - memory over 200 synthesis calls on one loaded voice (must stay flat: sessions are reused);
 * - real-time factor per engine through the real server and HTTP API, with 1 and 2 workers.
 *
 * Packs: `--models-dir DIR` measures the packs installed there (real weights, on a machine that has
 * them). Without it, proxy packs are built (bench/proxy_graphs.py: the families' exact signatures,
 * decoders of the real ones' size and cost class, random weights), since real weights cannot be
 * downloaded here. Writes bench/results/engines-<date>.json and prints it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEspeakEngine } from '../src/engine/espeak/engine.js';
import { NeuralEngines } from '../src/engine/neural/engines.js';
import type { PackRef } from '../src/engine/packs/manifest.js';
import { presetSpec } from '../src/engine/neural/presets.js';
import { loadOnnxRuntime } from '../src/engine/onnx/runtime.js';
import { KokoroModel } from '../src/engine/kokoro/model.js';
import { PiperVoice } from '../src/engine/piper/voice.js';
import { listPacks, readManifest } from '../src/services/models/packs.js';
import { resolveAppPaths } from '../src/runtime/paths.js';
import { Api } from '../test/helpers/api.js';
import { cli } from '../test/helpers/cli.js';
import { kokoroTestConfig, kokoroTestVoices, piperWideConfig } from '../test/helpers/onnx.js';
import { writePack } from '../test/helpers/packs.js';
import { removeDir, startServer } from '../test/helpers/server.js';

const PYTHON = '/usr/bin/python3';
const TEXT =
  'The quarterly numbers look strong, and the team delivered every milestone on time. ' +
  'Next month we open two new offices and start hiring engineers, designers and support staff.';

const { values } = parseArgs({
  options: {
    'models-dir': { type: 'string' },
    calls: { type: 'string' },
    /** Internal: measure one pack's sessions in a fresh process (prints JSON). */
    'session-probe': { type: 'string' },
  },
});
const CALLS = Number(values.calls ?? 200);

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'vr-bench-engines-'));
  try {
    const packDirs = values['models-dir'] ? installedPacks(values['models-dir']) : await proxyPacks(work);
    const packs: PackRef[] = [];
    for (const s of await listPacks(packDirs.root, true))
      if (s.ok && s.manifest) packs.push({ dir: s.dir, manifest: s.manifest });
    if (packs.length === 0) throw new Error(`no usable packs in ${packDirs.root}`);

    // Each pack in a process of its own: memory released by one load would otherwise be reused by
    // the next and hide its size.
    const sessions = packs.map(
      (p) =>
        JSON.parse(
          execFileSync(
            process.execPath,
            ['--expose-gc', '--import', 'tsx', 'bench/engines.ts', '--session-probe', p.dir],
            { encoding: 'utf8' },
          ),
        ) as unknown,
    );
    const memory = [];
    for (const p of packs) memory.push(await memoryOverCalls(p, CALLS));
    const rtf = [];
    for (const p of packs)
      for (const workers of [1, 2]) rtf.push(await realTimeFactor(packDirs.root, p, workers, work));

    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memory_gib: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      packs: packDirs.proxy ? 'proxy graphs (bench/proxy_graphs.py), random weights' : packDirs.root,
      sessions,
      memory_over_calls: memory,
      real_time_factor: rtf,
    };
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `engines-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${file}`);
  } finally {
    removeDir(work);
  }
}

function installedPacks(dir: string) {
  return { root: resolve(dir), proxy: false };
}

/** Proxy packs: the families' signatures with real-sized decoders (see bench/proxy_graphs.py). */
async function proxyPacks(work: string) {
  const root = join(work, 'shared', 'models');
  for (const family of ['piper', 'kokoro'] as const) {
    const graph = join(work, `${family}-proxy.onnx`);
    execFileSync(PYTHON, [resolve('bench/proxy_graphs.py'), family, graph]);
    const src = join(work, `${family}-pack`);
    if (family === 'piper')
      writePack(src, {
        family,
        name: 'piper-proxy',
        files: [
          { path: 'voice.onnx', role: 'model', data: readFileSync(graph) },
          { path: 'voice.onnx.json', role: 'config', data: JSON.stringify(piperWideConfig(22050, 1)) },
        ],
        manifest: { sample_rate: 22050, voices: [{ id: 'default', lang: 'en' }] },
      });
    else {
      const voices = join(work, 'voices.bin');
      copyFileSync(kokoroTestVoices(['af_one', 'am_two']), voices);
      writePack(src, {
        family,
        name: 'kokoro-proxy',
        files: [
          { path: 'kokoro.onnx', role: 'model', data: readFileSync(graph) },
          { path: 'voices.bin', role: 'voices', data: readFileSync(voices) },
          { path: 'config.json', role: 'config', data: JSON.stringify(kokoroTestConfig()) },
        ],
        manifest: {
          languages: ['en-US'],
          sample_rate: 24000,
          voices: [{ id: 'af_one', lang: 'en-US', style: 'af_one', gender: 'female' }],
        },
      });
    }
    const r = await cli(['models', 'install', src, '--data-dir', join(work, 'shared')]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  return { root, proxy: true };
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
function settle() {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Load time of one session, and resident memory per session over 3 loads of the same model. */
async function sessionFigures(p: PackRef) {
  const ort = loadOnnxRuntime(resolveAppPaths({}).onnxRuntime);
  const file = (role: string) => join(p.dir, p.manifest.files.find((f) => f.role === role)!.path);
  const loadOne = () =>
    p.manifest.family === 'piper'
      ? PiperVoice.load(ort, file('model'), file('config'))
      : KokoroModel.load(ort, { model: file('model'), config: file('config'), voices: file('voices') });
  settle();
  const before = rssMiB();
  const times: number[] = [];
  const loaded = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    loaded.push(await loadOne());
    times.push(performance.now() - t);
  }
  settle();
  const perSession = (rssMiB() - before) / loaded.length;
  for (const l of loaded) await l.release();
  return {
    pack: p.manifest.name,
    model_mib: Math.round(statSync(file('model')).size / 2 ** 20),
    load_ms_first: Math.round(times[0]!),
    load_ms_median: Math.round([...times].sort((a, b) => a - b)[1]!),
    rss_mib_per_session: Math.round(perSession),
  };
}

/** RSS after warm-up and every 50 calls of one short sentence on one loaded voice. */
async function memoryOverCalls(p: PackRef, calls: number) {
  const paths = resolveAppPaths({});
  const text = await createEspeakEngine(paths);
  const engines = await NeuralEngines.load(loadOnnxRuntime(paths.onnxRuntime), [p], text, {
    intraOpThreads: 1,
    executionProviders: ['cpu'],
  });
  const spec = presetSpec(p.manifest, p.manifest.voices[0]!);
  await engines.speak(spec, 'Warm up.', 'en');
  settle();
  const samples: Array<{ call: number; rss_mib: number }> = [{ call: 0, rss_mib: Math.round(rssMiB()) }];
  for (let i = 1; i <= calls; i++) {
    await engines.speak(spec, 'A short line, spoken again and again.', 'en');
    if (i % 50 === 0) {
      settle();
      samples.push({ call: i, rss_mib: Math.round(rssMiB()) });
    }
  }
  await engines.release();
  const growth = samples[samples.length - 1]!.rss_mib - samples[1]!.rss_mib;
  return { pack: p.manifest.name, calls, rss: samples, growth_mib_after_first_50: growth };
}

/** Wall time of a job through the real server over the seconds of audio it made. */
async function realTimeFactor(modelsDir: string, p: PackRef, workers: number, work: string) {
  const dataDir = join(work, `data-${p.manifest.name}-${workers}`);
  mkdirSync(dataDir, { recursive: true });
  const server = await startServer({
    dataDir,
    config: `[engine]\nworkers = ${workers}\nmodels_dir = "${modelsDir}"\n`,
  });
  try {
    const api = new Api(server.url, server.adminKey);
    const voice = `${p.manifest.name}:${p.manifest.voices[0]!.id}`;
    const script = Array.from({ length: 8 }, () => ({ voice, text: TEXT }));
    const runs: number[] = [];
    let seconds = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const res = await api.json<{ job_id: string }>('POST', '/v1/synthesize', { script });
      const job = await api.waitJob(res.body.job_id, 600_000);
      if (job.status !== 'succeeded') throw new Error(JSON.stringify(job.error));
      runs.push((performance.now() - t) / 1000);
      seconds = (job.result as { duration: number }).duration;
    }
    const wall = [...runs].sort((a, b) => a - b)[1]!;
    return {
      pack: p.manifest.name,
      workers,
      audio_seconds: Math.round(seconds * 10) / 10,
      wall_seconds_median_of_3: Math.round(wall * 100) / 100,
      real_time_factor: Math.round((wall / seconds) * 1000) / 1000,
    };
  } finally {
    await server.stop();
  }
}

if (values['session-probe']) {
  const dir = values['session-probe'];
  console.log(JSON.stringify(await sessionFigures({ dir, manifest: readManifest(dir) })));
} else await main();
