/**
 * Cancelling a task on an engine thread without ending the thread.
 *
 * Piscina cancels a running task by terminating its worker thread. A thread terminated while it is
 * inside onnxruntime (a Silero or model-pack session, or a thread still loading its sessions)
 * cannot take the exception onnxruntime then raises: node-addon-api throws a C++ exception out of
 * the call, std::terminate runs, and the whole server dies with SIGABRT. So the pool never hands
 * piscina a signal. The caller gets its rejection at once; the thread is told through a shared
 * flag, which the task reads at its checkpoints (between sentences, between lines), and it stops
 * there with the thread alive.
 */

/** Thrown inside a worker at a checkpoint of a task its caller has given up on. */
export class TaskCanceled extends Error {
  override name = 'TaskCanceled';
  constructor() {
    super('the task was canceled by its caller');
  }
}

/** Called at safe points of a task; throws TaskCanceled once the caller has aborted. */
export type Checkpoint = () => void;

export const NEVER_CANCELED: Checkpoint = () => {};

/** The worker side: a checkpoint over the flag the pool sent with the task (none: never canceled). */
export function checkpointOf(flag: SharedArrayBuffer | undefined): Checkpoint {
  if (!flag) return NEVER_CANCELED;
  const view = new Int32Array(flag);
  return () => {
    if (Atomics.load(view, 0) !== 0) throw new TaskCanceled();
  };
}

/** What the caller of an aborted task gets, as piscina gave it: named AbortError, the reason as cause. */
export function abortError(signal: AbortSignal): Error {
  const err = new Error('The task has been aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

/**
 * The caller side: `work` started with `flag`; settles as it does, or rejects with abortError as
 * soon as `signal` aborts, raising the flag so the thread stops at its next checkpoint. The
 * task's own later outcome is then dropped.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, flag: SharedArrayBuffer): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      Atomics.store(new Int32Array(flag), 0, 1);
      reject(abortError(signal));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
