import { rng } from '../helpers/audio-fixtures.js';

/** Seeded choices for the generators: one seed, one sequence of requests. */
export class Rand {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = rng(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((n, [w]) => n + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![1];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }

  /** A string of `n` characters from `alphabet`. */
  string(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  /** Text with the characters that break naive code: quotes, NUL, RTL marks, emoji, CJK, lone surrogates. */
  nasty(n: number): string {
    const pieces = [
      'a',
      ' ',
      '"',
      "'",
      '\\',
      '\u0000',
      '\n',
      '\r\n',
      '\t',
      '\u202e',
      '\ufeff',
      '😀',
      '안녕',
      'こんにちは',
      '\ud800',
      '%00',
      '../',
      '<script>',
      '${x}',
      'é',
      '\u0301',
      '١٢٣',
      'NaN',
      '-0',
      '1e309',
    ];
    let s = '';
    while (s.length < n) s += this.pick(pieces);
    return s;
  }
}
