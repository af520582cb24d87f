import type { Mp3Lame } from '../audio/mp3-lame.js';
import { trimSilence } from '../audio/vad.js';
import { type Checkpoint, NEVER_CANCELED } from './cancel.js';
import type { RenderLineRequest } from './contract.js';
import type { NeuralEngines } from './neural/engines.js';
import { trimToSpeech } from './silero/trim.js';
import type { SileroVad } from './silero/vad.js';
import type { TaskKind, TaskOf, TaskResults, WorkerTask } from './tasks.js';
import type { SpeechEngine } from './types.js';
import { analyzeReference } from './work/analyze.js';
import { inspectReference } from './work/inspect.js';
import { mixChunk } from './work/mix.js';
import { profileVoice } from './work/profile-voice.js';
import { renderLine, type SentenceVoice } from './work/render-line.js';

/** Per-thread state the handlers share; built once when the worker starts. */
export interface WorkerContext {
  engine: SpeechEngine;
  /** The model packs this worker serves (none in analysis workers). */
  neural: NeuralEngines;
  /** Silero VAD: speech in references, and the edges of neural segments. */
  vad: SileroVad;
  device: string;
  /** Japanese text → hiragana reading (the engine's kuromoji tokenizer, not a second copy). */
  toKana(text: string): string;
  /** This thread's MP3 encoder, made on first use. */
  mp3(): Promise<Mp3Lame>;
  threadId: number;
  startupMs: number;
}

/** A handler's result plus the buffers to move (not copy) back to the main thread. */
export interface HandlerOutput<R> {
  result: R;
  transfer?: ArrayBuffer[];
}

export type TaskHandler<K extends TaskKind> = (
  task: TaskOf<K>,
  ctx: WorkerContext,
  checkpoint: Checkpoint,
) => HandlerOutput<TaskResults[K]> | Promise<HandlerOutput<TaskResults[K]>>;

/** One entry per task kind; the mapped type makes a missing handler a compile error. */
export const handlers: { [K in TaskKind]: TaskHandler<K> } = {
  ping: (_task, ctx) => ({
    result: {
      threadId: ctx.threadId,
      engine: ctx.engine.name,
      languages: ctx.engine.languages,
      startupMs: ctx.startupMs,
      device: ctx.device,
      packs: ctx.neural.size,
    },
  }),

  speak: async (task, ctx) => {
    const speech = await ctx.engine.speak(task.req);
    return { result: speech, transfer: [speech.samples.buffer as ArrayBuffer] };
  },

  inspect: async (task, ctx) => ({ result: await inspectReference(task.bytes, task.limits, ctx.vad) }),

  analyze: async (task, ctx) => ({ result: await analyzeReference(task.req, ctx.vad, ctx.toKana) }),

  renderLine: async (task, ctx, checkpoint) => {
    const speech = await renderLine(sentenceVoice(task.req, ctx), task.req, checkpoint);
    return { result: speech, transfer: [speech.samples.buffer as ArrayBuffer] };
  },

  profileVoice: async (task, ctx) => ({
    result: await profileVoice(
      sentenceVoice({ lang: task.req.lang, voice: task.req.voice }, ctx),
      task.req.lang,
      ctx.vad,
    ),
  }),

  mixChunk: async (task, ctx, checkpoint) => {
    const lame = task.req.encoding === 'mp3' ? await ctx.mp3() : undefined;
    const chunk = mixChunk(task.req, lame, checkpoint);
    return { result: chunk, transfer: [chunk.bytes.buffer as ArrayBuffer] };
  },
};

/**
 * The built-in engine's output is digital silence around the speech, cut by level; neural voices
 * breathe and hiss at the edges, so Silero decides where their speech is. Both take the line's IPA
 * lexicon entries (eSpeak converts them to its own phoneme mnemonics).
 */
function sentenceVoice(req: Pick<RenderLineRequest, 'lang' | 'voice'>, ctx: WorkerContext): SentenceVoice {
  const voice = req.voice;
  if (voice.engine === 'builtin') {
    return {
      speak: (text, ipa) =>
        ctx.engine.speak({ text, lang: req.lang, profile: voice.profile, speed: voice.speed, ipa }),
      trim: (audio) => Promise.resolve(trimSilence(audio)),
    };
  }
  return {
    speak: (text, ipa) => ctx.neural.speak(voice, text, req.lang, ipa),
    trim: (audio) => trimToSpeech(ctx.vad, audio),
  };
}

/** Runs the handler for `task.kind`; unknown kinds (a newer main thread?) fail loudly. */
export async function dispatch(
  task: WorkerTask,
  ctx: WorkerContext,
  checkpoint: Checkpoint = NEVER_CANCELED,
): Promise<HandlerOutput<unknown>> {
  const handler = (handlers as Record<string, TaskHandler<TaskKind> | undefined>)[task?.kind];
  if (!handler) throw new TypeError(`engine worker: unknown task kind ${JSON.stringify(task?.kind)}`);
  return handler(task as never, ctx, checkpoint);
}
