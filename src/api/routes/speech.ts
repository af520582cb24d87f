import { Readable } from 'node:stream';
import Router from '@koa/router';
import type { SpeechAnswer } from '../../services/speech.js';
import { errors } from '../../errors.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';
import { SpeechBody } from '../../services/schemas/text-speech.js';
import { routeDoc } from '../openapi/route-doc.js';

export const speechDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/audio/speech',
    summary: 'Speak a text now (OpenAI-compatible)',
    tag: 'speech',
    auth: 'key',
    description:
      'Synchronous and streamed sentence by sentence: the first audio leaves before the whole input is spoken. Longer inputs than `[limits] max_speech_chars` belong to POST /v1/synthesize. `stream_format: "sse"` sends base64 `speech.audio.delta` events, then `speech.audio.done`. `lexicons` (a VoiceReel extension) names pronunciation lexicons as a script does; without it the project’s default lexicons apply.',
    body: { type: 'application/json', schema: SpeechBody },
    errors: ['INVALID_INPUT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA', 'QUOTA_EXCEEDED', 'UNAVAILABLE'],
    responses: {
      200: { description: 'Audio (audio/mpeg, audio/wav or audio/pcm), streamed.', type: 'audio/mpeg' },
    },
  }),
];

/**
 * OpenAI-compatible speech (POST /v1/audio/speech): audio as a chunked body, or with
 * `stream_format: "sse"` as server-sent events carrying base64 chunks, as OpenAI sends them.
 */
export function speechRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/audio/speech', ...deps.bodies.json, deps.signed, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const sse = streamFormat(body?.stream_format) === 'sse';
    // The client going away stops the synthesis of the sentences it would not hear.
    const abort = new AbortController();
    ctx.res.once('close', () => abort.abort());
    const answer = await deps.speech.start(principalOf(ctx.state), body, abort.signal);
    // Wait for the first sentence so a failure before any audio is still an ordinary error answer.
    const first = await answer.chunks.next();
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Accel-Buffering', 'no');
    if (sse) {
      ctx.type = 'text/event-stream';
      ctx.body = Readable.from(events(answer, first));
    } else {
      ctx.type = answer.contentType;
      ctx.body = Readable.from(rest(answer, first));
    }
  });
  return router;
}

function streamFormat(value: unknown): 'audio' | 'sse' {
  if (value === undefined || value === 'audio' || value === 'sse') return value ?? 'audio';
  throw errors.invalidInput('stream_format must be one of: audio, sse.', {
    field: 'stream_format',
    supported: ['audio', 'sse'],
  });
}

async function* rest(answer: SpeechAnswer, first: IteratorResult<Uint8Array, void>) {
  try {
    if (first.done) return;
    yield Buffer.from(first.value);
    for await (const chunk of answer.chunks) yield Buffer.from(chunk);
  } finally {
    // Torn down after the first chunk, before the loop took the generator over: end it here.
    await answer.chunks.return();
  }
}

async function* events(answer: SpeechAnswer, first: IteratorResult<Uint8Array, void>) {
  for await (const chunk of rest(answer, first)) {
    yield `data: ${JSON.stringify({ type: 'speech.audio.delta', audio: chunk.toString('base64') })}\n\n`;
  }
  const usage = { input_tokens: answer.characters, output_tokens: 0, total_tokens: answer.characters };
  yield `data: ${JSON.stringify({ type: 'speech.audio.done', usage })}\n\n`;
}
