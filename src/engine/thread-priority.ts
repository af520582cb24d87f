import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Sets the calling thread's nice value. On Linux the nice value belongs to each thread, and
 * setpriority(PRIO_PROCESS, tid) changes one thread; Node names no thread ids, but
 * /proc/thread-self points at /proc/<pid>/task/<tid>. Threads started afterwards (onnxruntime's
 * intra-op pool) inherit it. Elsewhere, or where it is refused, the thread keeps its priority:
 * this only orders work, it is not needed for correctness.
 */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // Only ever lower: a service already started at a higher nice value keeps it.
    if (!Number.isInteger(tid) || tid <= 0 || getPriority(tid) >= nice) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
