// `npm test`: takes a fresh Debian/Ubuntu machine with Node.js and npm to a full green run.
// 1. the Debian packages the suite uses as independent checks are installed (apt-get as root or with
//    password-less sudo; otherwise one line names them and the run stops);
// 2. node_modules is installed from package-lock.json when it is missing or does not match it;
// 3. lint, typecheck and every test run. Extra arguments go to vitest (`npm test -- test/unit`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/* global console */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each package is for; the list is the one place that names them. */
const DEBIAN_PACKAGES = {
  sox: 'independent audio checks (durations, levels)',
  'libsox-fmt-mp3': 'sox reads MP3',
  ffmpeg: 'ffprobe and decoding checks',
  'espeak-ng': 'reference speech in the engine tests',
  'pocketsphinx-testdata': 'real recorded speech with transcripts',
  prometheus: 'promtool checks /metrics',
  openssl: 'certificates for the TLS tests',
  systemd: 'systemd-analyze and systemd-sysusers check the units',
  shellcheck: 'lints scripts/install.sh and .ci/run',
  'python3-onnx': 'builds the small ONNX graphs the engine tests run',
  chromium: 'the browser the console tests drive (playwright-core, no browser download)',
  'fonts-noto-cjk': 'Korean and Japanese glyphs in the console screenshots',
  postgresql: 'a real PostgreSQL for the scale-out tests (each test file starts its own cluster)',
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function quiet(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function installDebianPackages() {
  if (!existsSync('/usr/bin/dpkg')) {
    console.error(
      'npm test: not a Debian/Ubuntu machine; install the equivalents of: ' +
        Object.keys(DEBIAN_PACKAGES).join(' '),
    );
    return;
  }
  const missing = Object.keys(DEBIAN_PACKAGES).filter((p) => !quiet('dpkg', ['-s', p]));
  if (missing.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : quiet('sudo', ['-n', 'true']) ? ['sudo', '-n'] : undefined;
  if (!sudo) {
    console.error(
      `npm test needs these Debian packages; install them and run it again: sudo apt-get install ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`npm test: installing Debian packages: ${missing.join(' ')}`);
  const apt = (args) => {
    const [cmd, ...pre] = [...sudo, 'apt-get'];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (run(cmd, [...pre, ...args], { env }) !== 0) {
      console.error(
        `npm test: apt-get ${args[0]} failed; install by hand: sudo apt-get install ${missing.join(' ')}`,
      );
      process.exit(1);
    }
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

/** npm ci when node_modules is absent or any locked package is missing or at another version. */
function installNodeModules() {
  const hidden = join(root, 'node_modules/.package-lock.json');
  let stale = !existsSync(hidden);
  if (!stale) {
    const want = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
    const have = JSON.parse(readFileSync(hidden, 'utf8')).packages;
    stale = Object.entries(want).some(
      // Optional packages for other platforms are never installed here.
      ([path, p]) => path !== '' && !(p.optional && !have[path]) && have[path]?.version !== p.version,
    );
  }
  if (!stale) return;
  console.log('npm test: installing node_modules (npm ci)');
  if (run('npm', ['ci']) !== 0) process.exit(1);
}

installDebianPackages();
installNodeModules();
const only = process.argv.slice(2);
const steps = [
  ['npm', ['run', 'lint']],
  ['npm', ['run', 'typecheck']],
  ['npx', ['vitest', 'run', ...only]],
  // The API suite once more with every server on PostgreSQL (vitest.backends.config.ts); skipped
  // when the command names tests of its own.
  ...(only.length === 0 ? [['npx', ['vitest', 'run', '--config', 'vitest.backends.config.ts']]] : []),
];
for (const [cmd, args] of steps) {
  const status = run(cmd, args);
  if (status !== 0) process.exit(status);
}
