import { join } from 'node:path';
import type { AudioFormat, VoiceProfile } from '../audio/types.js';
import { buildCaptionUnits } from '../captions/units.js';
import { renderCaptions } from '../captions/format.js';
import type { CaptionFormat, CaptionUnit } from '../captions/types.js';
import type { Config } from '../config/schema.js';
import type { Language, RenderedSpeech } from '../engine/types.js';
import type { LineVoice } from '../engine/voice-spec.js';
import { JobFailure } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { mapLimited } from '../lib/map-limited.js';
import type { Repos, Store } from '../store/index.js';
import type { ObjectStore } from '../store/objects/object-store.js';
import { createScratchFile, SCRATCH_DIR } from './scratch-file.js';
import type { AudioBackend } from '../engine/contract.js';
import { ProgramWriter, type WrittenProgram } from '../engine/program.js';
import type { JobAdmission } from './admission.js';
import { ensureCharacterQuota } from './quota.js';
import type { Principal } from './keys.js';
import type { QueuePort } from './queue-port.js';
import { parseSynthesisRequest, type ScriptLine, type SynthesizePayload } from './synthesis-request.js';
import { parseInput } from './schemas/parse.js';
import { SynthesizeBody } from './schemas/requests.js';
import type { LexiconService } from './text/lexicons.js';
import type { WebhookService } from './webhooks.js';
import type { UsageMeter } from './usage.js';
import type { VoiceCatalog } from './voices/catalog.js';

export type { ScriptLine, SynthesizePayload } from './synthesis-request.js';

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

export const AUDIO_TYPES: Record<AudioFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

function audioPath(jobId: string, payload: SynthesizePayload): string {
  return `jobs/${jobId}/audio.${payload.output_format}`;
}

export class SynthesisService {
  constructor(
    private readonly store: Store,
    private readonly objects: ObjectStore,
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
  async accept(who: Principal, body: unknown): Promise<{ job_id: string }> {
    const payload = await this.validate(who, body);
    // Then the documented schema: the checks above name limits and voices first, and nothing is
    // accepted that GET /v1/openapi.json does not describe.
    parseInput(SynthesizeBody, body);
    const callback = this.webhooks.checkUrl((body as { callback_url?: unknown }).callback_url);
    await this.admit(who, payload);
    const created = await this.enqueue(who, payload, callback);
    this.queue.notify();
    return created;
  }

  /** Validates the whole request against the caller's project before anything is queued. */
  validate(who: Principal, body: unknown): Promise<SynthesizePayload> {
    return parseSynthesisRequest(
      { config: this.config, speakers: this.store.speakers, catalog: this.catalog, lexicons: this.lexicons },
      who,
      body,
    );
  }

  /** Quota and active-job limits, checked before the job row exists. */
  async admit(
    who: Principal,
    payload: SynthesizePayload,
    store: Pick<Repos, 'usage' | 'jobs'> = this.store,
  ): Promise<void> {
    await ensureCharacterQuota(
      store,
      this.clock,
      this.config.limits.monthly_character_quota,
      who,
      payload.characters,
    );
    await this.admission.ensureRoom(who, store.jobs);
  }

  async enqueue(
    who: Principal,
    payload: SynthesizePayload,
    callbackUrl?: string,
  ): Promise<{ job_id: string }> {
    const id = newId('job');
    // Quota and limits are checked again with the insert, in one transaction that admissions on
    // every node take in turn, whatever ran since admit().
    await this.store.transaction(async (tx) => {
      await tx.jobs.lockAdmission();
      await this.admit(who, payload, tx);
      await tx.jobs.insert({
        id,
        project: who.project,
        key_id: who.keyId,
        type: 'synthesize',
        payload_json: JSON.stringify(payload),
        created_at: this.clock.now(),
        callback_url: callbackUrl,
      });
    });
    return { job_id: id };
  }

  /** The job: render every line on the pool, mix, write audio and captions, then commit. */
  async run(
    jobId: string,
    owner: Principal,
    payload: SynthesizePayload,
    ctx: JobContext,
  ): Promise<SynthesisResult> {
    const voices = await this.resolveVoices(payload);
    const gapSeconds = this.config.synthesis.sentence_gap_ms / 1000;
    const total = payload.script.length + 1;
    let done = 0;
    // Mixed and encoded on the workers as lines are rendered, straight into a scratch file
    // (engine/program.ts), which the object store then takes whole.
    const file = await createScratchFile(
      join(this.config.storage.data_dir, SCRATCH_DIR),
      `.${payload.output_format}`,
    );
    try {
      const program = new ProgramWriter(
        this.backend,
        file,
        {
          sampleRate: payload.sample_rate,
          format: payload.output_format,
          targetLufs: this.config.synthesis.target_lufs,
          mp3Kbps: this.config.synthesis.mp3_kbps,
          tailSeconds: 0.3,
          gaps: payload.script.map((_, i) => this.gapBefore(payload, i)),
        },
        ctx.signal,
      );
      const lines = payload.script.map((line, index) => ({ line, index }));
      const rendered = await mapLimited(lines, this.parallelism, async ({ line, index }) => {
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
        program.add(index, speech);
        ctx.progress(++done / total, { line: done, lines: payload.script.length });
        return { words: speech.words };
      });
      ctx.signal.throwIfAborted();
      ctx.log?.(
        `All ${payload.script.length} lines rendered; finishing the mixing and encoding ${payload.output_format}.`,
      );
      const mixed = await program.finish();
      ctx.signal.throwIfAborted();
      const captions = this.captions(payload, rendered, mixed, voices);
      await file.finish();
      return await this.commit(jobId, owner, payload, file.path, mixed.durationSeconds, captions);
    } finally {
      await file.discard();
    }
  }

  private async commit(
    jobId: string,
    owner: Principal,
    payload: SynthesizePayload,
    audioFile: string,
    duration: number,
    captions: CaptionUnit[],
  ): Promise<SynthesisResult> {
    const rendered = renderCaptions(captions, payload.caption_format);
    const audioRel = audioPath(jobId, payload);
    const captionRel = `jobs/${jobId}/captions.${rendered.extension}`;
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
    const commitRows = async (tx: Repos, audioBytes: number, captionBytes: number) => {
      await tx.files.insert({
        ...common,
        id: audioId,
        kind: 'audio',
        rel_path: audioRel,
        content_type: AUDIO_TYPES[payload.output_format],
        bytes: audioBytes,
      });
      await tx.files.insert({
        ...common,
        id: captionId,
        kind: 'captions',
        rel_path: captionRel,
        content_type: rendered.contentType,
        bytes: captionBytes,
      });
      if (!(await tx.jobs.succeed(jobId, result, now)))
        throw new JobFailure('CANCELED', 'The job was canceled.');
      await this.usage.record(
        owner,
        { synthesized_seconds: duration, characters: payload.characters },
        tx.usage,
      );
    };
    // The rows name the objects only once both are stored whole; a failure anywhere removes both.
    try {
      const audioBytes = await this.objects.putFile(audioRel, audioFile, AUDIO_TYPES[payload.output_format]);
      const captionBytes = await this.objects.put(captionRel, rendered.body, rendered.contentType);
      await this.store.transaction((tx) => commitRows(tx, audioBytes, captionBytes));
    } catch (err) {
      // Left behind if this fails too: the start-up sweep removes objects no row names.
      await this.objects.remove(`jobs/${jobId}`).catch(() => undefined);
      throw err;
    }
    return result;
  }

  /** Speakers of the script, read once per job (a speaker deleted since acceptance fails the job). */
  private async resolveVoices(payload: SynthesizePayload) {
    const voices = new Map<string, { lang: Language; profile: VoiceProfile | null; name: string }>();
    for (const { speaker_id } of payload.script) {
      if (speaker_id === undefined || voices.has(speaker_id)) continue;
      const s = await this.store.speakers.get(speaker_id);
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
    rendered: Array<Pick<RenderedSpeech, 'words'>>,
    mixed: Pick<WrittenProgram, 'placements' | 'speech'>,
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
