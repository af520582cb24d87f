import { readFileSync } from 'node:fs';

/** The server's resident memory (VmRSS, MiB) from /proc; undefined once the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round((Number(kb) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

export interface RssFigures {
  samples: number;
  baseline_mib: number;
  max_mib: number;
  final_mib: number;
  /** Final minus baseline: what the run left behind. */
  growth_mib: number;
  /** Max minus baseline: the worst moment. */
  peak_over_baseline_mib: number;
}

/** Samples a process's RSS every `everyMs` until stopped. */
export class RssSampler {
  private readonly values: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private baseline: number;

  constructor(
    private readonly pid: number,
    everyMs = 200,
  ) {
    this.baseline = rssMiB(pid) ?? 0;
    this.timer = setInterval(() => {
      const v = rssMiB(pid);
      if (v !== undefined) this.values.push(v);
    }, everyMs);
    this.timer.unref();
  }

  /** Marks "now" as the baseline (after warm-up, so one-off start-up allocations do not count as growth). */
  markBaseline(): void {
    this.baseline = rssMiB(this.pid) ?? this.baseline;
  }

  stop(): RssFigures {
    clearInterval(this.timer);
    const final = rssMiB(this.pid) ?? this.values[this.values.length - 1] ?? 0;
    const max = Math.max(final, ...this.values);
    const r1 = (n: number) => Math.round(n * 10) / 10;
    return {
      samples: this.values.length,
      baseline_mib: this.baseline,
      max_mib: max,
      final_mib: final,
      growth_mib: r1(final - this.baseline),
      peak_over_baseline_mib: r1(max - this.baseline),
    };
  }
}
