import { describe, expect, it } from 'vitest';
import { Progress } from '../../../src/cli/remote/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
}

describe('CLI progress', () => {
  it('redraws a bar in place on a terminal', () => {
    const { written, out } = stream(true);
    const p = new Progress('job_1', out);
    p.onEvent({ type: 'progress', data: { progress: 0.5, line: 1, lines: 2 } });
    p.onEvent({ type: 'succeeded', data: {} as never });
    expect(written[0]).toBe(`\r\x1b[2Kjob_1 [${'#'.repeat(15)}${'.'.repeat(15)}]  50% line 1/2`);
    expect(written.join('')).toContain(`[${'#'.repeat(30)}] 100%`);
    expect(written.at(-1)).toBe('job_1 succeeded\n');
  });

  it('writes plain lines, one per tenth, elsewhere', () => {
    const { written, out } = stream(false);
    const p = new Progress('job_1', out);
    for (const progress of [0, 0.02, 0.05, 0.11, 0.5, 0.55])
      p.onEvent({ type: 'progress', data: { progress } });
    p.onEvent({ type: 'log', data: { level: 'warn', message: 'slow line' } });
    expect(written).toEqual(['job_1 0%\n', 'job_1 11%\n', 'job_1 50%\n', 'job_1 warn: slow line\n']);
    expect(written.join('')).not.toContain('\r');
  });
});
