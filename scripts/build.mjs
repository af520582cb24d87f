// Bundles the app into build/ as CommonJS (what Node's single-executable mechanism and pkg load),
// and lays out the files the bundle resolves itself at run time: eSpeak data, the kuromoji
// dictionary and the better-sqlite3 addon. Nothing here touches the network.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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
const meta = { inputs: {}, outputs: {} };
for (const { metafile } of [app, piscinaWorker]) {
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
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
cpSync(
  join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'),
  join(out, 'native', 'better_sqlite3.node'),
);
