import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape } from '../helpers/expect.js';
import { fixturePath } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';
import { ffmpegDecode } from '../helpers/signal.js';

interface Entry {
  grapheme: string;
  alias?: string;
  phonemes?: string;
  case_sensitive: boolean;
}
interface Lexicon {
  id: string;
  name: string;
  lang: string;
  default: boolean;
  entry_count: number;
  entries?: Entry[];
}

const PLS = 'application/pls+xml';
const RATE = 24000;
const ENTRIES: Entry[] = [
  { grapheme: 'VoiceReel', alias: '보이스릴', case_sensitive: false },
  { grapheme: 'KTX', alias: '고속철도', case_sensitive: true },
  { grapheme: '서울', phonemes: 'sʌ.ul', case_sensitive: false },
  { grapheme: 'R&D <x>', alias: '연구 "개발"', case_sensitive: false },
];

let server: TestServer;
let alpha: Api;
let beta: Api;

async function send(api: Api, method: string, path: string, body: string, type = PLS) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'X-VR-APIKEY': api.key, 'Content-Type': type },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

async function exportPls(api: Api, id: string) {
  const res = await fetch(`${api.url}/v1/lexicons/${id}`, {
    headers: { 'X-VR-APIKEY': api.key, Accept: PLS },
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

beforeAll(async () => {
  server = await startServer({ config: '[limits]\nmax_lexicon_entries = 5\nmax_lexicons_per_project = 3\n' });
  const admin = new Api(server.url, server.adminKey);
  alpha = await admin.keyApi('alpha', 'alpha');
  beta = await admin.keyApi('beta', 'beta');
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('/v1/lexicons', () => {
  it('creates, lists, gets, replaces and deletes, within one project only', async () => {
    const created = await alpha.json<Lexicon>('POST', '/v1/lexicons', {
      name: 'Brand',
      lang: 'ko',
      entries: ENTRIES,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'Brand', lang: 'ko', default: false, entry_count: 4 });
    expect(created.body.id).toMatch(/^lex_/);
    expect(created.headers.get('location')).toBe(`/v1/lexicons/${created.body.id}`);
    const id = created.body.id;

    expect((await alpha.client.getLexicon(id)).entries).toEqual(ENTRIES);
    const list = await alpha.client.listLexicons();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id, entry_count: 4 });
    expect(list.items[0]!.entries).toBeUndefined();

    // Another project sees nothing and can change nothing.
    expect((await beta.client.listLexicons()).total).toBe(0);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { name: 'x', lang: 'ko', entries: [] }],
      ['DELETE', undefined],
    ] as const) {
      const res = await beta.json(method, `/v1/lexicons/${id}`, body);
      expect(res.status, method).toBe(404);
      expectErrorShape(res.body, 'NOT_FOUND');
    }
    expect((await exportPls(beta, id)).status).toBe(404);
    const named = await beta.json('POST', '/v1/text/normalize', {
      lang: 'ko',
      text: 'VoiceReel',
      lexicon: [id],
    });
    expect(named.status).toBe(400);

    const put = await alpha.client.updateLexicon(id, {
      name: 'Brand 2',
      lang: 'ko',
      default: true,
      entries: ENTRIES.slice(0, 1),
    });
    expect(alpha.lastStatus).toBe(200);
    expect(put).toMatchObject({ name: 'Brand 2', default: true, entry_count: 1 });
    expect((await alpha.client.getLexicon(id)).entries).toEqual(ENTRIES.slice(0, 1));

    await alpha.client.deleteLexicon(id);
    expect(alpha.lastStatus).toBe(204);
    expect((await alpha.json('GET', `/v1/lexicons/${id}`)).status).toBe(404);
  });

  it('refuses bad entries and enforces the limits before storing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', lang: 'fr', entries: [] }, 'lang'],
      [{ name: '', lang: 'ko', entries: [] }, 'name'],
      [{ name: 'x', lang: 'ko', entries: [{ grapheme: 'a' }] }, 'entries[0].alias'],
      [
        { name: 'x', lang: 'ko', entries: [{ grapheme: 'a', alias: 'b', phonemes: 'c' }] },
        'entries[0].alias',
      ],
      [
        {
          name: 'x',
          lang: 'ko',
          entries: Array.from({ length: 6 }, (_, i) => ({ grapheme: `g${i}`, alias: 'a' })),
        },
        'entries',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await alpha.json<{ error: { details?: { field?: string } } }>('POST', '/v1/lexicons', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectErrorShape(res.body, 'INVALID_INPUT');
      expect(res.body.error.details?.field).toBe(field);
    }
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      made.push((await alpha.client.createLexicon({ name: `n${i}`, lang: 'en', entries: [] })).id);
      expect(alpha.lastStatus).toBe(201);
    }
    const over = await alpha.json('POST', '/v1/lexicons', { name: 'one too many', lang: 'en', entries: [] });
    expect(over.status).toBe(400);
    expectErrorShape(over.body, 'INVALID_INPUT');
    for (const id of made) await alpha.client.deleteLexicon(id);
    expect((await alpha.client.listLexicons()).total).toBe(0);
  });

  it('exports W3C PLS 1.0 and imports it back to the same entries', async () => {
    const created = await alpha.client.createLexicon({ name: 'Round', lang: 'ko', entries: ENTRIES });
    const pls = await exportPls(alpha, created.id);
    expect(pls.status).toBe(200);
    expect(pls.type).toMatch(/^application\/pls\+xml/);
    expect(pls.text).toContain('xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"');
    expect(pls.text).toContain('xml:lang="ko"');
    expect(pls.text).toContain('<grapheme>R&amp;D &lt;x&gt;</grapheme>');

    const imported = await send(alpha, 'POST', '/v1/lexicons?name=Imported', pls.text);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ name: 'Imported', lang: 'ko', entries: ENTRIES });

    // A PLS written elsewhere: several graphemes per lexeme, the lexicon's alphabet, a region.
    const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Nguyen</grapheme><grapheme>NGUYEN</grapheme><phoneme>ŋwiən</phoneme></lexeme>
  <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
</lexicon>`;
    const other = await send(alpha, 'PUT', `/v1/lexicons/${imported.body.id as string}?name=Names`, foreign);
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body).toMatchObject({
      name: 'Names',
      lang: 'en',
      entries: [
        { grapheme: 'Nguyen', phonemes: 'ŋwiən', case_sensitive: false },
        { grapheme: 'NGUYEN', phonemes: 'ŋwiən', case_sensitive: false },
        { grapheme: 'W3C', alias: 'World Wide Web Consortium', case_sensitive: false },
      ],
    });
    // Without ?name= a replacing import keeps the name; ?default=true sets the flag.
    const again = await send(
      alpha,
      'PUT',
      `/v1/lexicons/${imported.body.id as string}?default=true`,
      pls.text,
    );
    expect(again.body).toMatchObject({ name: 'Names', default: true, lang: 'ko', entries: ENTRIES });
    await alpha.client.deleteLexicon(created.id);
    await alpha.client.deleteLexicon(imported.body.id as string);
  });

  it('refuses IPA its voices cannot say, naming the entry and the symbols, on create, replace and import', async () => {
    type Refusal = { error: { message: string; details?: Record<string, unknown> } };
    const entries = [
      { grapheme: 'Nguyen', phonemes: 'ŋwiən' },
      { grapheme: 'Bonjour', phonemes: 'bɔ̃ʒuʁ' },
    ];
    const res = await alpha.json<Refusal>('POST', '/v1/lexicons', { name: 'x', lang: 'en', entries });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'INVALID_INPUT');
    expect(res.body.error.details).toEqual({
      field: 'entries[1].phonemes',
      grapheme: 'Bonjour',
      unsupported: ['ʁ'],
    });
    expect(res.body.error.message).toContain('"Bonjour"');
    expect(res.body.error.message).toContain('"ʁ"');
    // The same symbols are fine where the language has them: Korean ø (외), English ɔ̃.
    const ok = await alpha.client.createLexicon({
      name: 'ok',
      lang: 'ko',
      entries: [{ grapheme: '외국', phonemes: 'øɡuk̚' }],
    });
    expect(alpha.lastStatus).toBe(201);
    const replaced = await alpha.json<Refusal>('PUT', `/v1/lexicons/${ok.id}`, {
      name: 'ok',
      lang: 'ja',
      entries: [{ grapheme: '外国', phonemes: 'øɡuk̚' }],
    });
    expect(replaced.status).toBe(400);
    expect(replaced.body.error.details).toMatchObject({
      field: 'entries[0].phonemes',
      unsupported: ['ø'],
    });
    const pls = `<lexicon version="1.0" alphabet="ipa" xml:lang="ja"><lexeme><grapheme>東京</grapheme><phoneme>toːkʲoː</phoneme></lexeme><lexeme><grapheme>x</grapheme><phoneme>ˈ.</phoneme></lexeme></lexicon>`;
    const imported = await send(alpha, 'POST', '/v1/lexicons?name=bad', pls);
    expect(imported.status).toBe(400);
    expect((imported.body.error as Refusal['error']).details).toMatchObject({
      field: 'lexeme[1].phonemes',
      grapheme: 'x',
    });
    // Inline entries of the preview are held to the same rule.
    const preview = await alpha.json<Refusal>('POST', '/v1/text/normalize', {
      lang: 'en',
      text: 'Bonjour',
      lexicon: [{ grapheme: 'Bonjour', phonemes: 'bɔ̃ʒuʁ' }],
    });
    expect(preview.status).toBe(400);
    expect(preview.body.error.details).toMatchObject({ field: 'lexicon[0].phonemes' });
    const kept = await alpha.client.getLexicon(ok.id);
    expect(kept).toMatchObject({ lang: 'ko', entries: [{ grapheme: '외국', phonemes: 'øɡuk̚' }] });
    await alpha.client.deleteLexicon(ok.id);
    expect((await alpha.client.listLexicons()).total).toBe(0);
  });

  it('refuses DTDs and external entities (XXE), other alphabets and broken XML', async () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE lexicon [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" xml:lang="en">
  <lexeme><grapheme>x</grapheme><alias>&x;</alias></lexeme>
</lexicon>`;
    const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<lexicon version="1.0" xml:lang="en"><lexeme><grapheme>b</grapheme><alias>&b;</alias></lexeme></lexicon>`;
    const sampa = `<lexicon version="1.0" alphabet="x-sampa" xml:lang="en"><lexeme><grapheme>a</grapheme><phoneme>{</phoneme></lexeme></lexicon>`;
    for (const body of [xxe, bomb, sampa, '<lexicon version="1.0" xml:lang="en"><lexeme>', 'not xml']) {
      const res = await send(alpha, 'POST', '/v1/lexicons?name=bad', body);
      expect(res.status, body).toBe(400);
      expectErrorShape(res.body, 'INVALID_INPUT');
      expect(JSON.stringify(res.body)).not.toContain('root:');
    }
    expect((await alpha.client.listLexicons()).total).toBe(0);
    const wrongType = await send(alpha, 'POST', '/v1/lexicons', 'x', 'text/plain');
    expect(wrongType.status).toBe(415);
  });

  it('an alias entry changes what /v1/text/normalize says and what is synthesized', async () => {
    const text = 'KTX 3시';
    const plain = await alpha.client.normalizeText({ lang: 'ko', text });
    expect(plain.spoken).toBe('케이티엑스 세 시');
    const lex = await alpha.client.createLexicon({
      name: 'Trains',
      lang: 'ko',
      entries: [{ grapheme: 'KTX', alias: '고속철도', case_sensitive: true }],
    });
    const named = await alpha.client.normalizeText({ lang: 'ko', text, lexicon: [lex.id] });
    expect(alpha.lastStatus).toBe(200);
    expect(named.spoken).toBe('고속철도 세 시');

    const synth = async (extra: { lexicons?: string[] }, name: string) => {
      const { job_id } = await alpha.client.synthesize({
        script: [{ voice: 'builtin-ko', text }],
        output_format: 'wav',
        sample_rate: RATE,
        ...extra,
      });
      expect(alpha.lastStatus).toBe(202);
      const job = await alpha.client.waitForJob(job_id);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      const result = job.result as {
        audio_url: string;
        captions: Array<{ text: string; words: Array<{ text: string }> }>;
      };
      const file = fixturePath(`lex-${name}.wav`);
      await alpha.client.downloadToFile(result.audio_url, file);
      return { samples: ffmpegDecode(file, RATE), captions: result.captions };
    };
    const without = await synth({}, 'without');
    const withLex = await synth({ lexicons: [lex.id] }, 'with');
    const spokenDirect = await synth({}, 'direct');
    expect(withLex.captions[0]!.text).toBe(text);
    expect(withLex.captions[0]!.words.map((w) => w.text)).toEqual(['KTX', '3시']);
    expect(Math.abs(withLex.samples.length - without.samples.length)).toBeGreaterThan(RATE * 0.05);

    // A default lexicon applies when a script names none; naming [] turns it off.
    await alpha.client.updateLexicon(lex.id, {
      name: 'Trains',
      lang: 'ko',
      default: true,
      entries: [{ grapheme: 'KTX', alias: '고속철도', case_sensitive: true }],
    });
    const byDefault = await synth({}, 'default');
    expect(byDefault.samples.length).toBe(withLex.samples.length);
    const off = await synth({ lexicons: [] }, 'off');
    expect(off.samples.length).toBe(spokenDirect.samples.length);

    const foreign = await beta.json('POST', '/v1/synthesize', {
      script: [{ voice: 'builtin-ko', text }],
      lexicons: [lex.id],
    });
    expect(foreign.status).toBe(400);
    expectErrorShape(foreign.body, 'INVALID_INPUT');
  }, 180_000);
});
