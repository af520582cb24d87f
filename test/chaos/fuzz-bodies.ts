import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import type { Rand } from './rand.js';
import type { FuzzTargets } from './fuzz-request.js';

/** A JSON value of any type, shallow or nested, valid or merely surprising. */
export function randomJson(r: Rand, depth = 0): unknown {
  const leaf = () =>
    r.weighted<() => unknown>([
      [2, () => null],
      [2, () => r.chance(0.5)],
      [3, () => r.pick([0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 22050, 24000, 16000, 48000, 44100, 8000])],
      [3, () => r.nasty(r.int(0, 40))],
      [1, () => 'x'.repeat(r.int(4000, 6000))],
      [1, () => r.pick(['wav', 'mp3', 'vtt', 'srt', 'json', 'ogg', 'WAV', ''])],
    ])();
  if (depth > 3 || r.chance(0.6)) return leaf();
  if (r.chance(0.5)) return Array.from({ length: r.int(0, 4) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = r.int(0, 4); i > 0; i--)
    o[r.pick(['text', 'speaker_id', 'voice', 'script', r.string(4)])] = randomJson(r, depth + 1);
  return o;
}

/** A valid body to start from; mutations then break one thing (or several) at a time. */
export function synthesizeSeed(r: Rand, t: FuzzTargets): Record<string, unknown> {
  const line = () =>
    r.chance(0.7) ? { speaker_id: t.speakerId, text: 'Hi.' } : { voice: t.voice, text: 'Hello.' };
  return {
    script: Array.from({ length: r.int(1, 3) }, line),
    ...(r.chance(0.5) ? { output_format: r.pick(['wav', 'mp3']) } : {}),
    ...(r.chance(0.5) ? { sample_rate: r.pick([16000, 22050, 24000]) } : {}),
    ...(r.chance(0.5) ? { caption_format: r.pick(['json', 'vtt', 'srt']) } : {}),
  };
}

export function keySeed(r: Rand): Record<string, unknown> {
  return { name: `fuzz-${r.string(6)}`, project: r.pick(['fuzz', 'default', 'other-proj']), admin: false };
}

/** Applies 1-3 structural mutations: drop, retype, add odd keys, blow up lists, nest deeply. */
export function mutateJson(r: Rand, value: unknown): unknown {
  let v: unknown = structuredClone(value);
  for (let i = r.int(1, 3); i > 0; i--) v = mutateOnce(r, v);
  return v;
}

function mutateOnce(r: Rand, root: unknown): unknown {
  const op = r.int(0, 6);
  if (op === 6) return randomJson(r);
  const holders = containers(root);
  const holder = holders.length > 0 ? r.pick(holders) : undefined;
  if (!holder) return randomJson(r);
  const keys = Object.keys(holder);
  const key = keys.length > 0 ? r.pick(keys) : '0';
  const rec = holder as Record<string, unknown>;
  switch (op) {
    case 0:
      if (Array.isArray(holder)) holder.splice(Number(key), 1);
      else delete rec[key];
      break;
    case 1:
      rec[key] = randomJson(r);
      break;
    case 2:
      if (!Array.isArray(holder))
        rec[r.pick(['__proto__', 'constructor', 'prototype', 'toString', r.string(5)])] = randomJson(r);
      break;
    case 3:
      if (Array.isArray(holder) && holder.length > 0)
        holder.push(...Array.from({ length: r.pick([10, 999, 1001, 3000]) }, () => holder[0]));
      break;
    case 4:
      // Real nesting this deep would overflow this process's own stack; serialize() expands it.
      rec[key] = `${DEEP}${r.pick([50, 500, 5000, 100_000])}`;
      break;
    case 5:
      rec[key] = r.pick([-1, 0, 0.25, 4, 1e-9, 'fast', null, 1.0000001, 3.999]);
      break;
  }
  return root;
}

const DEEP = '\u24d3\u24d4\u24d4\u24df';

/**
 * JSON text of a generated value, the first nesting marker expanded to `[[[…1…]]]` (the others to
 * `1`: a marker copied into thousands of lines would otherwise make gigabytes of text).
 */
export function serialize(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  let expanded = false;
  return text.replace(new RegExp(`"${DEEP}(\\d+)"`, 'g'), (_, n: string) => {
    if (expanded) return '1';
    expanded = true;
    return '['.repeat(Number(n)) + '1' + ']'.repeat(Number(n));
  });
}

function containers(v: unknown, out: object[] = []): object[] {
  if (v && typeof v === 'object') {
    out.push(v);
    for (const child of Object.values(v).slice(0, 50)) containers(child, out);
  }
  return out;
}

/** Byte-level damage after serialisation: cut, flipped bytes, invalid UTF-8, NaN, comments, BOM. */
export function mutateBytes(r: Rand, text: string): Buffer {
  let b = Buffer.from(text, 'utf8');
  const at = () => r.int(0, b.length);
  const splice = (i: number, insert: Buffer, remove = 0) =>
    Buffer.concat([b.subarray(0, i), insert, b.subarray(i + remove)]);
  switch (r.int(0, 8)) {
    case 0:
      return b.subarray(0, at());
    case 1:
      return splice(at(), r.bytes(r.int(1, 8)));
    case 2:
      return splice(
        at(),
        Buffer.from(
          r.pick([[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]),
        ),
        1,
      );
    case 3:
      b = Buffer.from(text.replace(/\d+(\.\d+)?/, r.pick(['NaN', 'Infinity', '1e309', '-', '01', '0x10'])));
      return b;
    case 4:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
    case 5:
      return Buffer.concat([b, Buffer.from(r.pick(['}', ']', ',', ' // c', '\u0000', '{}', '\n\n\n']))]);
    case 6:
      return Buffer.from(text.replace('{', `{"script":1,`));
    case 7:
      return Buffer.from(`/* c */${text}`);
    default:
      return r.bytes(r.int(0, 300));
  }
}

export interface EncodedBody {
  body: Buffer;
  encoding: string;
}

/** Content-Encoding variants: real gzip/deflate/br, a gzip bomb, corrupt gzip, unknown codings. */
export function encodeBody(r: Rand, json: Buffer): EncodedBody {
  return r.weighted<() => EncodedBody>([
    [3, () => ({ body: gzipSync(json), encoding: r.pick(['gzip', 'GZIP', 'x-gzip']) })],
    [2, () => ({ body: deflateSync(json), encoding: 'deflate' })],
    [1, () => ({ body: brotliCompressSync(json), encoding: 'br' })],
    [2, () => ({ body: gzipBomb(), encoding: 'gzip' })],
    [2, () => ({ body: corrupt(r, gzipSync(json)), encoding: 'gzip' })],
    [1, () => ({ body: json, encoding: 'gzip' })],
    [1, () => ({ body: gzipSync(gzipSync(json)), encoding: 'gzip, gzip' })],
    [
      2,
      () => ({
        body: json,
        encoding: r.pick(['identity', 'compress', 'zstd', 'foo', '', 'gzip;q=1', 'chunked']),
      }),
    ],
  ])();
}

let bomb: Buffer | undefined;
/** 64 MB of JSON whitespace in ~64 KB of gzip: must be refused at the JSON limit, not inflated. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(
    Buffer.concat([Buffer.from('{"script":"'), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from('"}')]),
    {
      level: 9,
    },
  );
  return bomb;
}

function corrupt(r: Rand, b: Buffer): Buffer {
  const c = Buffer.from(b);
  for (let i = r.int(1, 4); i > 0; i--) c[r.int(0, c.length - 1)] = r.int(0, 255);
  return r.chance(0.3) ? c.subarray(0, r.int(0, c.length)) : c;
}

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=utf-7',
  'application/json; charset="latin1"',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/json, text/plain',
  'application/octet-stream',
  '*/*',
  ';;;',
  'application/json; charset',
  'x'.repeat(3000),
];
