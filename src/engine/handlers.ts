import type { TaskKind, TaskOf, TaskResults, WorkerTask } from './tasks.js';
import type { SpeechEngine } from './types.js';
import { analyzeReference } from './work/analyze.js';
import { inspectReference } from './work/inspect.js';
import { mixAndEncode } from './work/mix.js';
import { renderLine } from './work/render-line.js';

/** Per-thread state the handlers share; built once when the worker starts. */
export interface WorkerContext {
  engine: SpeechEngine;
  /** Japanese text → hiragana reading (the engine's kuromoji tokenizer, not a second copy). */
  toKana(text: string): string;
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
) => HandlerOutput<TaskResults[K]> | Promise<HandlerOutput<TaskResults[K]>>;

/** One entry per task kind; the mapped type makes a missing handler a compile error. */
export const handlers: { [K in TaskKind]: TaskHandler<K> } = {
  ping: (_task, ctx) => ({
    result: {
      threadId: ctx.threadId,
      engine: ctx.engine.name,
      languages: ctx.engine.languages,
      startupMs: ctx.startupMs,
    },
  }),

  speak: async (task, ctx) => {
    const speech = await ctx.engine.speak(task.req);
    return { result: speech, transfer: [speech.samples.buffer as ArrayBuffer] };
  },

  inspect: async (task) => ({ result: await inspectReference(task.bytes) }),

  analyze: async (task, ctx) => ({ result: await analyzeReference(task.req, ctx.toKana) }),

  renderLine: async (task, ctx) => {
    const speech = await renderLine(ctx.engine, task.req);
    return { result: speech, transfer: [speech.samples.buffer as ArrayBuffer] };
  },

  mix: (task) => {
    const program = mixAndEncode(task.req);
    return { result: program, transfer: [program.bytes.buffer as ArrayBuffer] };
  },
};

/** Runs the handler for `task.kind`; unknown kinds (a newer main thread?) fail loudly. */
export async function dispatch(task: WorkerTask, ctx: WorkerContext): Promise<HandlerOutput<unknown>> {
  const handler = (handlers as Record<string, TaskHandler<TaskKind> | undefined>)[task?.kind];
  if (!handler) throw new TypeError(`engine worker: unknown task kind ${JSON.stringify(task?.kind)}`);
  return handler(task as never, ctx);
}
