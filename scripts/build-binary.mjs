// Makes the release tarball: one `voicereel` executable (Node's single-executable mechanism, the
// build machine's own Node binary with the app injected by postject) plus the files it reads from
// disk. Offline by construction: no Node download (as pkg does for its targets), no network at all.
// Expects build/ from scripts/build.mjs (`npm run build:binary` runs both).
//
//   node scripts/build-binary.mjs [--out dist]
//
// Tarball layout (voicereel-<version>-<platform>-<arch>/):
//   voicereel                      the executable (app bundles and worker entry points inside)
//   assets/, native/               eSpeak NG data, kuromoji dictionary, the browser console, native addons
//   systemd/, install.sh           units and the installer (README "Install")
//   voicereel.example.toml, README.md, LICENSE, THIRD_PARTY_NOTICES, licenses/node-LICENSE
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } });
const out = resolve(values.out);
const buildDir = resolve('build');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const name = `voicereel-${version}-${process.platform}-${process.arch}`;
const stage = join(out, name);
const work = join(out, `.work-${name}`);

/** Files the executable embeds and lays out at start (src/runtime/extract.ts). */
const EMBEDDED = ['voicereel.cjs', 'engine-worker.cjs', 'worker.js', 'package.json'];
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function fail(message) {
  process.stderr.write(`build-binary: ${message}\n`);
  process.exit(1);
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Node's own LICENSE (V8, OpenSSL, ICU, libuv… are inside the executable): it must ship too. */
function nodeLicense() {
  const candidates = [
    join(dirname(process.execPath), '..', 'share', 'doc', 'node', 'LICENSE'),
    join(dirname(process.execPath), '..', 'share', 'doc', 'nodejs', 'LICENSE'),
    '/usr/share/doc/nodejs/LICENSE',
    join(dirname(process.execPath), '..', 'LICENSE'),
  ];
  const found = candidates.find((f) => existsSync(f));
  if (!found) fail(`Node.js LICENSE not found (looked in ${candidates.join(', ')})`);
  return found;
}

for (const f of [
  ...EMBEDDED,
  'assets/espeak-ng.data',
  'assets/console/index.html',
  'native/better_sqlite3.node',
]) {
  if (!existsSync(join(buildDir, f))) fail(`build/${f} is missing: run \`node scripts/build.mjs\` first`);
}

rmSync(stage, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(join(stage, 'licenses'), { recursive: true });

// 1. The launcher: built-ins only, so it is bundled on its own.
await build({
  entryPoints: ['src/runtime/sea-main.ts'],
  outfile: join(work, 'sea-main.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});

// 2. The blob: launcher + embedded bundles + their manifest.
const files = Object.fromEntries(EMBEDDED.map((f) => [f, sha256(join(buildDir, f))]));
const digestHash = createHash('sha256');
for (const f of Object.keys(files).sort()) digestHash.update(`${f}\0${files[f]}\n`);
const manifest = { version, files, digest: digestHash.digest('hex') };
writeFileSync(join(work, 'runtime.json'), JSON.stringify(manifest, null, 2) + '\n');
const assets = { 'runtime.json': join(work, 'runtime.json') };
for (const f of EMBEDDED) assets[f] = join(buildDir, f);
const blob = join(work, 'sea-prep.blob');
writeFileSync(
  join(work, 'sea-config.json'),
  JSON.stringify({
    main: join(work, 'sea-main.cjs'),
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
    assets,
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

// 3. The executable: a copy of this Node binary with the blob injected.
const exe = join(stage, 'voicereel');
cpSync(process.execPath, exe);
chmodSync(exe, 0o755);
const { inject } = require('postject');
// postject prints LIEF's harmless ELF note warnings on stderr; keep the build log readable.
await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE, overwrite: true });

// 4. What the executable reads from disk, and what must accompany it.
cpSync(join(buildDir, 'assets'), join(stage, 'assets'), { recursive: true });
cpSync(join(buildDir, 'native'), join(stage, 'native'), { recursive: true });
cpSync('systemd', join(stage, 'systemd'), { recursive: true });
cpSync('scripts/install.sh', join(stage, 'install.sh'));
chmodSync(join(stage, 'install.sh'), 0o755);
for (const f of ['voicereel.example.toml', 'README.md', 'LICENSE', 'THIRD_PARTY_NOTICES']) {
  cpSync(f, join(stage, f));
}
cpSync(nodeLicense(), join(stage, 'licenses', 'node-LICENSE'));

// 5. It must run before it ships.
const reported = execFileSync(exe, ['--version'], { encoding: 'utf8', env: { PATH: '', HOME: work } }).trim();
if (reported !== version) fail(`the executable reports version "${reported}", expected "${version}"`);

const tarball = join(out, `${name}.tar.gz`);
execFileSync('tar', ['-C', out, '--owner=0', '--group=0', '-czf', tarball, name]);
writeFileSync(`${tarball}.sha256`, `${sha256(tarball)}  ${name}.tar.gz\n`);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${tarball}\n`);
