import OpenAI from 'openai';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape } from '../helpers/expect.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * `lexicons` on POST /v1/audio/speech, through the official openai client (an extra body field,
 * as OpenAI's SDKs pass unknown fields on): named lexicons apply, the project's default ones apply
 * when none are named, and `[]` turns them off. The voice is the deterministic built-in one, so the
 * length of the raw PCM answer shows what was said.
 */
const TEXT = 'Nguyen waited.';
/** A long reading of "Nguyen": eight syllables instead of two. */
const LONG_IPA = Array.from({ length: 8 }, () => 'ˈŋa').join(' ');

let server: TestServer;
let client: OpenAI;
let api: Api;

beforeAll(async () => {
  server = await startServer({});
  const admin = new Api(server.url, server.adminKey);
  api = await admin.keyApi('speech-lexicons', 'speech-lexicons');
  client = new OpenAI({ apiKey: api.key, baseURL: `${server.url}/v1`, maxRetries: 0 });
}, 90_000);
afterAll(async () => {
  await server?.stop();
  removeDir(server?.dataDir ?? '');
});

/** Seconds of 24 kHz 16-bit PCM the answer holds. */
async function spokenSeconds(extra: { lexicons?: string[] } = {}, input = TEXT): Promise<number> {
  const params = {
    model: 'tts-1',
    voice: 'builtin-en' as 'alloy',
    input,
    response_format: 'pcm' as const,
    ...extra,
  } satisfies SpeechCreateParams & { lexicons?: string[] };
  const res = await client.audio.speech.create(params);
  return (await res.arrayBuffer()).byteLength / 2 / 24000;
}

describe('POST /v1/audio/speech with lexicons', () => {
  it('applies named lexicons, the project’s defaults when none are named, and none for []', async () => {
    const plain = await spokenSeconds();
    const ipa = await api.client.createLexicon({
      name: 'names',
      lang: 'en',
      entries: [{ grapheme: 'Nguyen', phonemes: LONG_IPA }],
    });
    // Another language's lexicon is named too: only those of the input's language apply.
    const korean = await api.client.createLexicon({
      name: 'korean',
      lang: 'ko',
      entries: [{ grapheme: 'Nguyen', alias: '응우옌 응우옌 응우옌' }],
    });
    const named = await spokenSeconds({ lexicons: [korean.id, ipa.id] });
    expect(named - plain).toBeGreaterThan(0.6);
    // Not default, not named: not applied.
    expect(await spokenSeconds()).toBeCloseTo(plain, 3);

    await api.client.createLexicon({
      name: 'defaults',
      lang: 'en',
      default: true,
      entries: [{ grapheme: 'waited', alias: 'waited and waited and waited' }],
    });
    const withDefaults = await spokenSeconds();
    expect(withDefaults - plain).toBeGreaterThan(0.6);
    expect(await spokenSeconds({ lexicons: [] })).toBeCloseTo(plain, 3);
    // Naming lexicons replaces the defaults, as in a script.
    expect(await spokenSeconds({ lexicons: [ipa.id] })).toBeCloseTo(named, 3);
  }, 120_000);

  it('refuses a lexicon id that is not the project’s, and a lexicons value that is not a list', async () => {
    const other = await new Api(server.url, server.adminKey).keyApi('other', 'other-project');
    const foreign = await other.client.createLexicon({ name: 'theirs', lang: 'en', entries: [] });
    for (const [lexicons, field] of [
      [[foreign.id], 'lexicons[0]'],
      [['lex_nope'], 'lexicons[0]'],
      ['lex_x', 'lexicons'],
    ] as const) {
      const res = await fetch(`${server.url}/v1/audio/speech`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'tts-1', voice: 'builtin-en', input: TEXT, lexicons }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { details?: { field?: string } } };
      expectErrorShape(body, 'INVALID_INPUT');
      expect(body.error.details?.field).toBe(field);
    }
  });
});
