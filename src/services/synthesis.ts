import type { AudioFormat, VoiceProfile } from '../audio/types.js';
import { OUTPUT_SAMPLE_RATES } from '../audio/types.js';
import { buildCaptionUnits } from '../captions/units.js';
import { renderCaptions } from '../captions/format.js';
import type { CaptionFormat, CaptionUnit } from '../captions/types.js';
import type { Config } from '../config/schema.js';
import type { Language, LineLexiconEntry, RenderedSpeech } from '../engine/types.js';
import type { LineVoice } from '../engine/voice-spec.js';
import { errors, JobFailure } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { mapLimited } from '../lib/map-limited.js';
import type { Store } from '../store/index.js';
import type { AudioBackend, MixedProgram } from '../engine/contract.js';
import type { JobAdmission } from './admission.js';
import type { FileStore } from './file-store.js';
import { ensureCharacterQuota } from './quota.js';
import { type Principal, projectScope } from './keys.js';
import { normalizeText } from '../text/split.js';
import type { QueuePort } from './queue-port.js';
import { parseInput } from './schemas/parse.js';
import { SynthesizeBody } from './schemas/requests.js';
import type { LexiconService } from './text/lexicons.js';
import type { WebhookService } from './webhooks.js';
import type { UsageMeter } from './usage.js';
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

export interface SynthesisResult {
  duration: number;
  format: AudioFormat;
  sample_rate: number;
  caption_format: CaptionFormat;
  audio_file: string;
  caption_file: string;
  captions: CaptionUnit[];
}

export interface JobContext {
  signal: AbortSignal;
  progress(fraction: number, step?: { line: number; lines: number }): void;
  log?(message: string): void;
}

const FORMATS: readonly AudioFormat[] = ['wav', 'mp3'];
const CAPTION_FORMATS: readonly CaptionFormat[] = ['json', 'vtt', 'srt'];
const AUDIO_TYPES: Record<AudioFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

export class SynthesisService {
  constructor(
    private readonly store: Store,
    private readonly files: FileStore,
    private readonly backend: AudioBackend,
    private readonly usage: UsageMeter,
    private readonly clock: Clock,
    private readonly config: Config,
    /** Lines rendered at once: the synthesis pools' thread count. */
    private readonly parallelism: number,
    private readonly catalog: VoiceCatalog,
    private readonly admission: JobAdmission,
    private readonly lexicons: Pick<LexiconService, 'resolve'>,
    private readonly webhooks: Pick<WebhookService, 'checkUrl'>,
    private readonly queue: Pick<QueuePort, 'notify'>,
  ) {}

  /** POST /v1/synthesize: validated, admitted (quota, job caps), queued, and the queue woken. */
  accept(who: Principal, body: unknown): { job_id: string } {
    const payload = this.validate(who, body);
    // Then the documented schema: the checks above name limits and voices first, and nothing is
    // accepted that GET /v1/openapi.json does not describe.
    parseInput(SynthesizeBody, body);
    const callback = this.webhooks.checkUrl((body as { callback_url?: unknown }).callback_url);
    this.admit(who, payload);
    const created = this.enqueue(who, payload, callback);
    this.queue.notify();
    return created;
  }

  /** Validates the whole request against the caller's project before anything is queued. */
  validate(who: Principal, body: unknown): SynthesizePayload {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw errors.invalidInput('The body must be a JSON object.');
    }
    const b = body as Record<string, unknown>;
    const limits = this.config.limits;
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
    const script = b.script.map((line: unknown, i: number): ScriptLine => {
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
      const speed = this.validSpeed(l.speed, `${field}.speed`);
      characters += [...text].length;
      const source = this.lineVoice(who, l, field);
      return { ...source, text, ...(speed === undefined ? {} : { speed }) };
    });
    if (characters > limits.max_script_chars) {
      throw errors.invalidInput(`script has more than ${limits.max_script_chars} characters.`, {
        field: 'script',
      });
    }
    const output_format = pick(b.output_format, FORMATS, 'wav', 'output_format');
    const caption_format = pick(b.caption_format, CAPTION_FORMATS, 'json', 'caption_format');
    const sample_rate = b.sample_rate ?? this.config.synthesis.default_sample_rate;
    if (
      typeof sample_rate !== 'number' ||
      !(OUTPUT_SAMPLE_RATES as readonly number[]).includes(sample_rate)
    ) {
      throw errors.invalidInput(`sample_rate must be one of: ${OUTPUT_SAMPLE_RATES.join(', ')}.`, {
        field: 'sample_rate',
        supported: OUTPUT_SAMPLE_RATES,
      });
    }
    const lexicons = this.lexicons.resolve(who, b.lexicons);
    return { script, output_format, sample_rate, caption_format, characters, lexicons };
  }

  /** `speaker_id` (a ready speaker of the caller's project) or `voice` (a catalog voice), not both. */
  private lineVoice(
    who: Principal,
    l: Record<string, unknown>,
    field: string,
  ): { speaker_id: string } | { voice: string } {
    if (l.speaker_id !== undefined && l.voice !== undefined) {
      throw errors.invalidInput(`${field} names both speaker_id and voice; give one.`, { field });
    }
    if (l.voice !== undefined) {
      if (typeof l.voice !== 'string' || !this.catalog.get(l.voice)) {
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
    const speaker = this.store.speakers.get(l.speaker_id, projectScope(who));
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

  private validSpeed(value: unknown, field: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !(value >= SPEED_RANGE.min && value <= SPEED_RANGE.max)) {
      throw errors.invalidInput(`${field} must be a number from ${SPEED_RANGE.min} to ${SPEED_RANGE.max}.`, {
        field,
      });
    }
    return value;
  }

  /** Quota and active-job limits, checked before the job row exists. */
  admit(who: Principal, payload: SynthesizePayload): void {
    ensureCharacterQuota(
      this.store,
      this.clock,
      this.config.limits.monthly_character_quota,
      who,
      payload.characters,
    );
    this.admission.ensureRoom(who);
  }

  enqueue(who: Principal, payload: SynthesizePayload, callbackUrl?: string): { job_id: string } {
    const id = newId('job');
    // The limits are checked again with the insert, in one transaction, whatever ran since admit().
    this.store.db.transaction(() => {
      this.admission.ensureRoom(who);
      this.store.jobs.insert({
        id,
        project: who.project,
        key_id: who.keyId,
        type: 'synthesize',
        payload_json: JSON.stringify(payload),
        created_at: this.clock.now(),
        callback_url: callbackUrl,
      });
    })();
    return { job_id: id };
  }

  /** The job: render every line on the pool, mix, write audio and captions, then commit. */
  async run(
    jobId: string,
    owner: Principal,
    payload: SynthesizePayload,
    ctx: JobContext,
  ): Promise<SynthesisResult> {
    const voices = this.resolveVoices(payload);
    const gapSeconds = this.config.synthesis.sentence_gap_ms / 1000;
    const total = payload.script.length + 1;
    let done = 0;
    const rendered = await mapLimited(payload.script, this.parallelism, async (line) => {
      const voice = this.voiceOf(line, voices);
      const speech = await this.backend.renderLine(
        {
          text: line.text,
          lang: voice.lang,
          voice: voice.voice,
          sentenceGapSeconds: gapSeconds,
          lexicon: payload.lexicons?.[voice.lang] ?? [],
        },
        ctx.signal,
      );
      ctx.progress(++done / total, { line: done, lines: payload.script.length });
      return speech;
    });
    ctx.signal.throwIfAborted();
    ctx.log?.(`All ${payload.script.length} lines rendered; mixing and encoding ${payload.output_format}.`);
    const mixed = await this.backend.mix(
      {
        segments: rendered.map((r, i) => ({
          samples: r.samples,
          sampleRate: r.sampleRate,
          gapBefore: this.gapBefore(payload, i),
        })),
        sampleRate: payload.sample_rate,
        format: payload.output_format,
        targetLufs: this.config.synthesis.target_lufs,
        mp3Kbps: this.config.synthesis.mp3_kbps,
        tailSeconds: 0.3,
      },
      ctx.signal,
    );
    ctx.signal.throwIfAborted();
    const captions = this.captions(payload, rendered, mixed, voices);
    return this.commit(jobId, owner, payload, mixed.bytes, mixed.durationSeconds, captions);
  }

  private commit(
    jobId: string,
    owner: Principal,
    payload: SynthesizePayload,
    audio: Uint8Array,
    duration: number,
    captions: CaptionUnit[],
  ): SynthesisResult {
    const rendered = renderCaptions(captions, payload.caption_format);
    const audioRel = `jobs/${jobId}/audio.${payload.output_format}`;
    const captionRel = `jobs/${jobId}/captions.${rendered.extension}`;
    const audioBytes = this.files.write(audioRel, audio);
    const captionBytes = this.files.write(captionRel, rendered.body);
    const now = this.clock.now();
    const retention = this.config.storage.retention_hours;
    const expires = retention > 0 ? now + retention * 3600_000 : null;
    const audioId = newId('file');
    const captionId = newId('file');
    const result: SynthesisResult = {
      duration: Math.round(duration * 1000) / 1000,
      format: payload.output_format,
      sample_rate: payload.sample_rate,
      caption_format: payload.caption_format,
      audio_file: audioId,
      caption_file: captionId,
      captions,
    };
    const common = { job_id: jobId, project: owner.project, created_at: now, expires_at: expires };
    const committed = this.store.db.transaction(() => {
      this.store.files.insert({
        ...common,
        id: audioId,
        kind: 'audio',
        rel_path: audioRel,
        content_type: AUDIO_TYPES[payload.output_format],
        bytes: audioBytes,
      });
      this.store.files.insert({
        ...common,
        id: captionId,
        kind: 'captions',
        rel_path: captionRel,
        content_type: rendered.contentType,
        bytes: captionBytes,
      });
      if (!this.store.jobs.succeed(jobId, result, now))
        throw new JobFailure('CANCELED', 'The job was canceled.');
      this.usage.record(owner, { synthesized_seconds: duration, characters: payload.characters });
      return true;
    });
    try {
      committed();
    } catch (err) {
      this.files.remove(`jobs/${jobId}`);
      throw err;
    }
    return result;
  }

  /** Speakers of the script, read once per job (a speaker deleted since acceptance fails the job). */
  private resolveVoices(payload: SynthesizePayload) {
    const voices = new Map<string, { lang: Language; profile: VoiceProfile | null; name: string }>();
    for (const { speaker_id } of payload.script) {
      if (speaker_id === undefined || voices.has(speaker_id)) continue;
      const s = this.store.speakers.get(speaker_id);
      if (!s || s.status !== 'ready') {
        throw new JobFailure('INVALID_INPUT', `Speaker ${speaker_id} was deleted or is not ready.`);
      }
      const profile = s.profile_json ? (JSON.parse(s.profile_json) as VoiceProfile) : null;
      voices.set(speaker_id, { lang: s.lang as Language, profile, name: s.name });
    }
    return voices;
  }

  /** Which voice says a line: the speaker's current voice, or the named catalog voice. */
  private voiceOf(
    line: ScriptLine,
    speakers: Map<string, { lang: Language; profile: VoiceProfile | null }>,
  ): { voice: LineVoice; lang: Language } {
    const speed = line.speed ?? 1;
    if (line.voice !== undefined) {
      const v = this.catalog.lineVoice(line.voice, speed);
      if (!v) throw new JobFailure('INVALID_INPUT', `Voice ${line.voice} is no longer installed.`);
      return v;
    }
    const s = speakers.get(line.speaker_id!);
    if (!s) throw new JobFailure('INVALID_INPUT', `Speaker ${line.speaker_id} no longer exists.`);
    return { voice: this.catalog.forSpeaker(s.profile, s.lang, speed).voice, lang: s.lang };
  }

  /** Pauses: a short lead-in, a longer pause when the speaker changes than between one speaker's lines. */
  private gapBefore(payload: SynthesizePayload, i: number): number {
    if (i === 0) return 0.25;
    const s = this.config.synthesis;
    const who = (l?: ScriptLine) => l?.speaker_id ?? l?.voice;
    const changed = who(payload.script[i]) !== who(payload.script[i - 1]);
    return (changed ? s.speaker_change_gap_ms : s.line_gap_ms) / 1000;
  }

  private captions(
    payload: SynthesizePayload,
    rendered: RenderedSpeech[],
    mixed: Pick<MixedProgram, 'placements' | 'speech'>,
    voices: Map<string, { name: string; lang: Language }>,
  ): CaptionUnit[] {
    return buildCaptionUnits(
      payload.script.map((line, i) => {
        const placement = mixed.placements[i] ?? { start: 0, end: 0 };
        const named = line.voice === undefined ? undefined : this.catalog.get(line.voice);
        const speaker = line.speaker_id === undefined ? undefined : voices.get(line.speaker_id);
        return {
          speakerId: line.speaker_id ?? line.voice!,
          speakerName: speaker?.name ?? named?.name,
          lang: speaker?.lang ?? named?.language,
          text: line.text,
          placement: mixed.speech[i] ?? placement,
          words: rendered[i]?.words ?? [],
          wordsOffset: placement.start,
        };
      }),
    );
  }
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
