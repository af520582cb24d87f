import type { JobEvent } from '../../client/index.js';

const WIDTH = 30;

/**
 * Progress of a job on stderr: a bar redrawn in place on a terminal, plain lines otherwise (a log
 * file or CI gets one line per state change and per tenth of progress, not a stream of redraws).
 */
export class Progress {
  private lastTenth = -1;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  onEvent = (event: JobEvent): void => {
    switch (event.type) {
      case 'progress': {
        const { progress, line, lines } = event.data;
        return this.update(progress, line !== undefined && lines ? `line ${line}/${lines}` : '');
      }
      case 'log':
        return this.line(`${event.data.level}: ${event.data.message}`);
      case 'queued':
      case 'started':
        return this.line(event.type === 'started' ? 'running' : 'queued');
      default:
        if (event.type === 'succeeded') this.update(1, '');
        // Leave the finished bar on screen, then the outcome below it.
        if (this.drawn) this.out.write('\n');
        this.drawn = false;
        this.line(event.type);
    }
  };

  update(fraction: number, detail: string): void {
    const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    if (this.tty) {
      const full = Math.round((pct / 100) * WIDTH);
      const bar = `${'#'.repeat(full)}${'.'.repeat(WIDTH - full)}`;
      this.out.write(`\r\x1b[2K${this.label} [${bar}] ${String(pct).padStart(3)}% ${detail}`.trimEnd());
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(pct / 10);
    if (tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.out.write(`${this.label} ${pct}%${detail ? ` ${detail}` : ''}\n`);
  }

  line(text: string): void {
    this.clear();
    this.out.write(`${this.label} ${text}\n`);
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}
