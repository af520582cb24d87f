import type { AudioFormat } from '../audio/types.js';
import { OUTPUT_SAMPLE_RATES } from '../audio/types.js';
import type { CaptionFormat } from '../captions/types.js';
import type { Config } from '../config/schema.js';
import type { Language, LineLexiconEntry } from '../engine/types.js';
import { errors } from '../errors.js';
import type { SpeakerRow, SpeakersRepo } from '../store/speakers-repo.js';
import { normalizeText } from '../text/split.js';
import { type Principal, projectScope } from './keys.js';
import type { LexiconService } from './text/lexicons.js';
import { SPEED_RANGE, type VoiceCatalog } from './voices/catalog.js';

/** A script line names a registered speaker or a catalog voice (GET /v1/voices), not both. */
export interface ScriptLine {
  speaker_id?: string;
  voice?: string;
  text: string;
  /** Tempo relative to the voice's own; absent means 1. */
  speed?: number;
}

export interface SynthesizePayload {
  script: ScriptLine[];
  output_format: AudioFormat;
  sample_rate: number;
  caption_format: CaptionFormat;
  characters: number;
  /** Lexicon entries per language, resolved when queued (the named or the default lexicons). */
  lexicons?: Partial<Record<Language, LineLexiconEntry[]>>;
}

const FORMATS: readonly AudioFormat[] = ['wav', 'mp3'];
const CAPTION_FORMATS: readonly CaptionFormat[] = ['json', 'vtt', 'srt'];

interface RequestDeps {
  config: Config;
  speakers: Pick<SpeakersRepo, 'get'>;
  catalog: Pick<VoiceCatalog, 'get'>;
  lexicons: Pick<LexiconService, 'resolve'>;
}

/** Validates a synthesis request against the caller's project before anything is queued. */
export async function parseSynthesisRequest(
  d: RequestDeps,
  who: Principal,
  body: unknown,
): Promise<SynthesizePayload> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw errors.invalidInput('The body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  const limits = d.config.limits;
  if (!Array.isArray(b.script) || b.script.length === 0) {
    throw errors.invalidInput('script must be a non-empty array of { speaker_id or voice, text } lines.', {
      field: 'script',
    });
  }
  if (b.script.length > limits.max_script_lines) {
    throw errors.invalidInput(`script has more than ${limits.max_script_lines} lines.`, {
      field: 'script',
    });
  }
  let characters = 0;
  const script: ScriptLine[] = [];
  // Line by line, in order: the first bad line is the one named, whatever it is wrong about.
  const speakers = new Map<string, Promise<SpeakerRow | undefined>>();
  for (const [i, line] of (b.script as unknown[]).entries()) {
    const field = `script[${i}]`;
    if (!line || typeof line !== 'object')
      throw errors.invalidInput(`${field} must be an object.`, { field });
    const l = line as Record<string, unknown>;
    if (typeof l.text !== 'string' || normalizeText(l.text) === '') {
      throw errors.invalidInput(`${field}.text is required.`, { field: `${field}.text` });
    }
    const text = normalizeText(l.text);
    if (text.length > limits.max_line_chars) {
      throw errors.invalidInput(`${field}.text is longer than ${limits.max_line_chars} characters.`, {
        field: `${field}.text`,
      });
    }
    const speed = validSpeed(l.speed, `${field}.speed`);
    characters += [...text].length;
    const source = await lineVoice(d, who, l, field, speakers);
    script.push({ ...source, text, ...(speed === undefined ? {} : { speed }) });
  }
  if (characters > limits.max_script_chars) {
    throw errors.invalidInput(`script has more than ${limits.max_script_chars} characters.`, {
      field: 'script',
    });
  }
  const output_format = pick(b.output_format, FORMATS, 'wav', 'output_format');
  const caption_format = pick(b.caption_format, CAPTION_FORMATS, 'json', 'caption_format');
  const sample_rate = b.sample_rate ?? d.config.synthesis.default_sample_rate;
  if (typeof sample_rate !== 'number' || !(OUTPUT_SAMPLE_RATES as readonly number[]).includes(sample_rate)) {
    throw errors.invalidInput(`sample_rate must be one of: ${OUTPUT_SAMPLE_RATES.join(', ')}.`, {
      field: 'sample_rate',
      supported: OUTPUT_SAMPLE_RATES,
    });
  }
  const lexicons = await d.lexicons.resolve(who, b.lexicons);
  return { script, output_format, sample_rate, caption_format, characters, lexicons };
}

/** `speaker_id` (a ready speaker of the caller's project) or `voice` (a catalog voice), not both. */
async function lineVoice(
  d: RequestDeps,
  who: Principal,
  l: Record<string, unknown>,
  field: string,
  seen: Map<string, Promise<SpeakerRow | undefined>>,
): Promise<{ speaker_id: string } | { voice: string }> {
  if (l.speaker_id !== undefined && l.voice !== undefined) {
    throw errors.invalidInput(`${field} names both speaker_id and voice; give one.`, { field });
  }
  if (l.voice !== undefined) {
    if (typeof l.voice !== 'string' || !d.catalog.get(l.voice)) {
      throw errors.invalidInput(`${field}.voice names no installed voice (see GET /v1/voices).`, {
        field: `${field}.voice`,
      });
    }
    return { voice: l.voice };
  }
  if (typeof l.speaker_id !== 'string' || l.speaker_id === '') {
    throw errors.invalidInput(`${field}.speaker_id (or voice) is required.`, {
      field: `${field}.speaker_id`,
    });
  }
  let lookup = seen.get(l.speaker_id);
  if (!lookup) seen.set(l.speaker_id, (lookup = d.speakers.get(l.speaker_id, projectScope(who))));
  const speaker = await lookup;
  if (!speaker) {
    throw errors.invalidInput(`${field}.speaker_id names an unknown speaker.`, {
      field: `${field}.speaker_id`,
    });
  }
  if (speaker.status !== 'ready') {
    throw errors.invalidInput(`${field}.speaker_id names a speaker that is ${speaker.status}, not ready.`, {
      field: `${field}.speaker_id`,
    });
  }
  return { speaker_id: speaker.id };
}

function validSpeed(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= SPEED_RANGE.min && value <= SPEED_RANGE.max)) {
    throw errors.invalidInput(`${field} must be a number from ${SPEED_RANGE.min} to ${SPEED_RANGE.max}.`, {
      field,
    });
  }
  return value;
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw errors.invalidInput(`${field} must be one of: ${allowed.join(', ')}.`, {
      field,
      supported: allowed,
    });
  }
  return value as T;
}
