import { applyGain } from '../audio/dsp.js';
import { limitPeaks } from '../audio/limiter.js';
import { integratedLoudness } from '../audio/loudness.js';
import { resample } from '../audio/resample.js';
import { STREAM_FORMATS, type StreamFormat } from '../audio/stream-encode.js';
import type { VoiceProfile } from '../audio/types.js';
import type { Config } from '../config/schema.js';
import type { AudioBackend } from '../engine/contract.js';
import { type ProgramStream, programStream } from '../engine/stream.js';
import type { Language, LineLexiconEntry } from '../engine/types.js';
import type { LineVoice } from '../engine/voice-spec.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/index.js';
import { guessLanguage } from '../text/script.js';
import { normalizeText, splitSentences } from '../text/split.js';
import type { Principal } from './keys.js';
import { ensureCharacterQuota } from './quota.js';
import type { LexiconService } from './text/lexicons.js';
import type { UsageMeter } from './usage.js';
import { SPEED_RANGE, type VoiceCatalog } from './voices/catalog.js';

/** Every format is sent at 24 kHz mono, the rate of OpenAI's `pcm`. */
export const SPEECH_SAMPLE_RATE = 24000;
/**
 * OpenAI's voice names, so its SDKs' defaults work unchanged: each is spoken by the built-in voice of
 * the input's language (guessed from its script).
 */
export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;
/** Sentences rendered ahead of the one being sent: keeps the pool busy without hoarding it. */
const LOOKAHEAD = 2;
/** Level changes the fixed gain may make (see level()). */
const GAIN_RANGE_DB = { min: -12, max: 24 } as const;
const TAIL_SECONDS = 0.3;

export interface SpeechAnswer {
  format: StreamFormat;
  contentType: string;
  sampleRate: number;
  characters: number;
  /** Encoded audio, sentence by sentence; the first chunk holds any header. */
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
}

interface SpeechPlan {
  sentences: string[];
  lang: Language;
  voice: LineVoice;
  format: StreamFormat;
  characters: number;
  /** The named lexicons' entries for `lang` (none named: the project's default lexicons). */
  lexicon: LineLexiconEntry[];
}

export interface SpeechDeps {
  store: Store;
  backend: AudioBackend;
  usage: UsageMeter;
  clock: Clock;
  config: Config;
  catalog: VoiceCatalog;
  lexicons: Pick<LexiconService, 'resolve'>;
}

/**
 * The OpenAI-compatible fast path: one text, one voice, answered while it is spoken. Sentences are
 * rendered on the synthesis pool a few ahead and encoded as each is done; nothing is queued or stored.
 */
export class SpeechService {
  constructor(private readonly d: SpeechDeps) {}

  /** Validates and checks the quota at once (throwing before any work); the audio comes from `chunks`. */
  async start(who: Principal, body: unknown, signal: AbortSignal): Promise<SpeechAnswer> {
    const plan = await this.plan(who, body);
    await ensureCharacterQuota(
      this.d.store,
      this.d.clock,
      this.d.config.limits.monthly_character_quota,
      who,
      plan.characters,
    );
    // MP3 is encoded on the engine threads, never on the event loop.
    const kbps = this.d.config.synthesis.mp3_kbps;
    const encoder = programStream(this.d.backend, plan.format, SPEECH_SAMPLE_RATE, kbps, signal);
    return {
      format: plan.format,
      contentType: encoder.contentType,
      sampleRate: SPEECH_SAMPLE_RATE,
      characters: plan.characters,
      chunks: this.produce(who, plan, encoder, signal),
    };
  }

  private async *produce(
    who: Principal,
    plan: SpeechPlan,
    encoder: ProgramStream,
    signal: AbortSignal,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const gapSamples = Math.round((this.d.config.synthesis.sentence_gap_ms / 1000) * SPEECH_SAMPLE_RATE);
    let gainDb: number | undefined;
    let samples = 0;
    let characters = 0;
    let finished = false;
    const pending = this.renderAhead(plan, signal);
    try {
      for (let i = 0; i < plan.sentences.length; i++) {
        const rendered = await pending.next(i);
        signal.throwIfAborted();
        const audio = resample(rendered, SPEECH_SAMPLE_RATE);
        gainDb ??= fixedGain(audio.samples, this.d.config.synthesis.target_lufs);
        const levelled = limitPeaks(applyGain(audio, gainDb), -1).samples;
        // The pause goes after each sentence, not before the next: the MP3 encoder cuts in it, so the
        // sentence's own push returns its audio (stream.ts).
        const last = i === plan.sentences.length - 1;
        const pause = last ? Math.round(TAIL_SECONDS * SPEECH_SAMPLE_RATE) : gapSamples;
        const withPause = new Float32Array(levelled.length + pause);
        withPause.set(levelled);
        samples += withPause.length;
        characters += [...plan.sentences[i]!].length;
        const bytes = await encoder.push(withPause);
        if (bytes.length > 0) yield bytes;
      }
      const rest = await encoder.end();
      finished = true;
      if (rest.length > 0) yield rest;
    } finally {
      pending.cancel();
      // A request cut short counts what it was sent; a finished one its whole input.
      const counted = finished ? plan.characters : characters;
      if (counted > 0) {
        await this.d.usage.record(who, {
          characters: counted,
          synthesized_seconds: samples / SPEECH_SAMPLE_RATE,
        });
      }
    }
  }

  /** Starts renders in order, at most LOOKAHEAD beyond the one awaited; `cancel` stops the rest. */
  private renderAhead(plan: SpeechPlan, outer: AbortSignal) {
    const stop = new AbortController();
    const signal = AbortSignal.any([outer, stop.signal]);
    const gap = this.d.config.synthesis.sentence_gap_ms / 1000;
    const started: Array<Promise<{ samples: Float32Array; sampleRate: number }>> = [];
    const launch = (upTo: number): void => {
      while (started.length <= Math.min(upTo, plan.sentences.length - 1)) {
        const text = plan.sentences[started.length]!;
        const p = this.d.backend.renderLine(
          { text, lang: plan.lang, voice: plan.voice, sentenceGapSeconds: gap, lexicon: plan.lexicon },
          signal,
        );
        p.catch(() => undefined); // awaited in order by next(); a later one may fail first
        started.push(p);
      }
    };
    return {
      next: (i: number) => {
        launch(i + LOOKAHEAD);
        return started[i]!;
      },
      cancel: () => stop.abort(),
    };
  }

  private async plan(who: Principal, body: unknown): Promise<SpeechPlan> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw errors.invalidInput('The body must be a JSON object.');
    }
    const b = body as Record<string, unknown>;
    if (b.model !== undefined && typeof b.model !== 'string') {
      throw errors.invalidInput('model must be a string (any name is accepted).', { field: 'model' });
    }
    if (typeof b.input !== 'string' || normalizeText(b.input) === '') {
      throw errors.invalidInput('input is required: the text to speak.', { field: 'input' });
    }
    const text = normalizeText(b.input);
    const characters = [...text].length;
    const max = this.d.config.limits.max_speech_chars;
    if (characters > max) {
      throw errors.invalidInput(
        `input has ${characters} characters; this route speaks at most ${max}. Send longer texts to POST /v1/synthesize (an asynchronous job).`,
        { field: 'input', max_characters: max, use: '/v1/synthesize' },
      );
    }
    const format = (b.response_format ?? 'mp3') as StreamFormat;
    if (!STREAM_FORMATS.includes(format)) {
      throw errors.invalidInput(`response_format must be one of: ${STREAM_FORMATS.join(', ')}.`, {
        field: 'response_format',
        supported: STREAM_FORMATS,
      });
    }
    const speed = b.speed ?? 1;
    if (typeof speed !== 'number' || !(speed >= SPEED_RANGE.min && speed <= SPEED_RANGE.max)) {
      throw errors.invalidInput(`speed must be a number from ${SPEED_RANGE.min} to ${SPEED_RANGE.max}.`, {
        field: 'speed',
        min: SPEED_RANGE.min,
        max: SPEED_RANGE.max,
      });
    }
    const { voice, lang } = await this.voice(who, b.voice, text, speed);
    // As a script's `lexicons`: ids of the caller's project, [] for none, absent for the defaults.
    const lexicon = (await this.d.lexicons.resolve(who, b.lexicons))[lang] ?? [];
    return { sentences: splitSentences(text, lang), lang, voice, format, characters, lexicon };
  }

  /** A catalog voice, a ready speaker of the caller's project, or one of OpenAI's names. */
  private async voice(
    who: Principal,
    name: unknown,
    text: string,
    speed: number,
  ): Promise<{ voice: LineVoice; lang: Language }> {
    if (typeof name !== 'string' || name === '') {
      throw errors.invalidInput('voice is required (see GET /v1/voices).', { field: 'voice' });
    }
    const lookup = (OPENAI_VOICES as readonly string[]).includes(name)
      ? `builtin-${guessLanguage(text)}`
      : name;
    const named = this.d.catalog.lineVoice(lookup, speed);
    if (named) return named;
    const speaker = await this.d.store.speakers.get(name, who.admin ? undefined : who.project);
    if (!speaker) {
      throw errors.invalidInput('voice names no installed voice or speaker (see GET /v1/voices).', {
        field: 'voice',
      });
    }
    if (speaker.status !== 'ready') {
      throw errors.invalidInput(`voice names a speaker that is ${speaker.status}, not ready.`, {
        field: 'voice',
      });
    }
    const profile = speaker.profile_json ? (JSON.parse(speaker.profile_json) as VoiceProfile) : null;
    const lang = speaker.lang as Language;
    return { voice: this.d.catalog.forSpeaker(profile, lang, speed).voice, lang };
  }
}

/**
 * The gain that brings the first sentence to the target loudness, kept for the whole answer: a
 * streamed answer cannot be measured whole, and one gain keeps the sentences' relative levels.
 */
function fixedGain(samples: Float32Array, targetLufs: number): number {
  const measured = integratedLoudness({ samples, sampleRate: SPEECH_SAMPLE_RATE });
  if (!Number.isFinite(measured)) return 0;
  return Math.min(GAIN_RANGE_DB.max, Math.max(GAIN_RANGE_DB.min, targetLufs - measured));
}
