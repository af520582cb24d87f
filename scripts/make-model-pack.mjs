// Builds a VoiceReel model pack (docs/models.md) on a connected machine, to carry into the air gap.
// Files come from local paths or from URLs (fetched here, never by VoiceReel); the manifest
// records every file's sha256 and size, and the voices read from the model's own sidecar.
//
//   node scripts/make-model-pack.mjs piper  <voice.onnx|URL> <voice.onnx.json|URL> --out DIR [options]
//   node scripts/make-model-pack.mjs kokoro <kokoro.onnx|URL> <voices file|URL> --config <config.json|URL> \
//        --voices af_heart,am_adam --out DIR [options]
//   node scripts/make-model-pack.mjs --catalog NAME --out DIR     (pinned sources in scripts/model-catalog.json)
//
// Options: --name, --version, --license, --lang (kokoro: else from each voice's prefix, a → en-US,
// b → en-GB, j → ja; piper reads its sidecar), --source, --tar
// (also write DIR.tar.gz). Prints the pack directory.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { Buffer } from 'node:buffer';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string' },
    license: { type: 'string' },
    lang: { type: 'string' },
    source: { type: 'string' },
    voices: { type: 'string' },
    config: { type: 'string' },
    catalog: { type: 'string' },
    tar: { type: 'boolean', default: false },
  },
});

function fail(message) {
  process.stderr.write(`make-model-pack: ${message}\n`);
  process.exit(1);
}

/** Kokoro voice names start with their language: a = American English, b = British, j = Japanese. */
const KOKORO_LANGS = { a: 'en-US', b: 'en-GB', j: 'ja' };

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Copies a local file, or downloads a URL, into the pack; a pinned sha256 must match. */
async function fetchInto(dir, from, expectedSha) {
  const name = basename(new URL(from, 'file:///').pathname);
  const target = join(dir, name);
  if (/^https?:\/\//.test(from)) {
    const res = await globalThis.fetch(from, { redirect: 'follow' });
    if (!res.ok) fail(`${from}: HTTP ${res.status}`);
    writeFileSync(target, Buffer.from(await res.arrayBuffer()));
  } else {
    if (!existsSync(from)) fail(`${from}: no such file`);
    copyFileSync(from, target);
  }
  const actual = sha256(target);
  if (expectedSha && actual !== expectedSha)
    fail(`${name}: sha256 ${actual}, the catalog pins ${expectedSha}`);
  return { path: name, sha256: actual, size: statSync(target).size };
}

function piperVoices(sidecar, lang) {
  const speakers = Object.entries(sidecar.speaker_id_map ?? {});
  if (speakers.length === 0) return [{ id: 'default', lang }];
  return speakers
    .sort(([, a], [, b]) => a - b)
    .map(([name, id]) => ({ id: name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64), lang, speaker_id: id }));
}

async function main() {
  let family = positionals[0];
  let model = positionals[1];
  let second = positionals[2];
  let pins = {};
  let opts = { ...values };
  if (values.catalog) {
    const catalog = JSON.parse(
      readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'model-catalog.json'), 'utf8'),
    );
    const entry = catalog[values.catalog];
    if (!entry) fail(`no catalog entry "${values.catalog}" (have: ${Object.keys(catalog).join(', ')})`);
    ({ family, model, second } = entry);
    if (entry.config && !values.config) values.config = entry.config;
    pins = entry.sha256 ?? {};
    opts = {
      ...entry.options,
      ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
    };
  }
  if (!['piper', 'kokoro'].includes(family) || !model || !second || !opts.out) {
    fail(
      'usage: make-model-pack.mjs piper|kokoro <model> <config|voices> --out DIR (see the header of this file)',
    );
  }
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const modelFile = await fetchInto(out, model, pins.model);
  const secondFile = await fetchInto(out, second, pins.second);

  let manifest;
  if (family === 'piper') {
    const sidecar = JSON.parse(readFileSync(join(out, secondFile.path), 'utf8'));
    const lang =
      opts.lang ??
      String(sidecar.language?.code ?? sidecar.espeak?.voice ?? 'en')
        .slice(0, 2)
        .toLowerCase();
    const name = opts.name ?? basename(modelFile.path, '.onnx');
    manifest = {
      format: 1,
      family,
      name,
      version: opts.version ?? '1.0.0',
      languages: [lang],
      sample_rate: sidecar.audio?.sample_rate,
      license: opts.license ?? 'see the voice model card (MODEL_CARD)',
      ...(opts.source ? { source: opts.source } : {}),
      files: [
        { ...modelFile, role: 'model' },
        { ...secondFile, role: 'config' },
      ],
      voices: piperVoices(sidecar, lang),
    };
  } else {
    if (!opts.voices)
      fail('kokoro: --voices names the entries of the voices file to offer (e.g. af_heart,am_adam)');
    if (!values.config) fail("kokoro: --config names Kokoro's config.json (its phoneme vocabulary)");
    const configFile = await fetchInto(out, values.config, pins.config);
    const voices = String(opts.voices)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => ({
        id: v,
        lang: opts.lang ?? KOKORO_LANGS[v[0]] ?? 'en-US',
        style: v,
        ...(v[1] === 'f' ? { gender: 'female' } : v[1] === 'm' ? { gender: 'male' } : {}),
      }));
    manifest = {
      format: 1,
      family,
      name: opts.name ?? 'kokoro-82m',
      version: opts.version ?? '1.0.0',
      languages: [...new Set(voices.map((v) => v.lang))],
      sample_rate: 24000,
      license: opts.license ?? 'Apache-2.0',
      ...(opts.source ? { source: opts.source } : {}),
      files: [
        { ...modelFile, role: 'model' },
        { ...secondFile, role: 'voices' },
        { ...configFile, role: 'config' },
      ],
      voices,
    };
  }
  writeFileSync(join(out, 'voicereel-model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (opts.tar) execFileSync('tar', ['-C', dirname(out), '-czf', `${out}.tar.gz`, basename(out)]);
  process.stdout.write(`${out}\n`);
}

await main();
