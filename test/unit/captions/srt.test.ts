import SrtParser from 'srt-parser-2';
import { describe, expect, it } from 'vitest';
import { toSrt } from '../../../src/captions/srt.js';
import type { CaptionUnit } from '../../../src/captions/types.js';
import { normalizeText } from '../../../src/text/clean.js';
import { HOSTILE_NAMES, HOSTILE_TEXTS } from './hostile.js';

const unit = (start: number, end: number, text: string, extra: Partial<CaptionUnit> = {}): CaptionUnit => ({
  start,
  end,
  speaker: 'spk_1',
  text,
  ...extra,
});

const parse = (srt: string) => new SrtParser().fromSrt(srt);

/** Structural rules that srt-parser-2 is too lenient to check. */
function expectWellFormed(srt: string, cueCount: number) {
  expect(srt).not.toContain('\r');
  if (cueCount === 0) return expect(srt).toBe('');
  expect(srt.endsWith('\n')).toBe(true);
  const blocks = srt.slice(0, -1).split('\n\n');
  expect(blocks).toHaveLength(cueCount);
  blocks.forEach((block, i) => {
    const lines = block.split('\n');
    expect(lines[0]).toBe(String(i + 1));
    expect(lines[1]).toMatch(/^\d{2,}:\d{2}:\d{2},\d{3} --> \d{2,}:\d{2}:\d{2},\d{3}$/);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(2)) {
      expect(line.trim()).not.toBe('');
      expect(line).not.toContain('-->');
    }
  });
}

describe('toSrt', () => {
  it('writes numbered cues with comma timestamps and a speaker prefix', () => {
    const srt = toSrt([
      unit(0.5, 2.25, 'Hello there.', { speaker_name: 'Alice' }),
      unit(61.0004, 3725.5, 'General Kenobi!', { speaker: 'spk_2' }),
    ]);
    expect(srt).toBe(
      '1\n00:00:00,500 --> 00:00:02,250\nAlice: Hello there.\n\n' +
        '2\n00:01:01,000 --> 01:02:05,500\nspk_2: General Kenobi!\n',
    );
    expectWellFormed(srt, 2);
    expect(parse(srt)).toEqual([
      {
        id: '1',
        startTime: '00:00:00,500',
        startSeconds: 0.5,
        endTime: '00:00:02,250',
        endSeconds: 2.25,
        text: 'Alice: Hello there.',
      },
      {
        id: '2',
        startTime: '00:01:01,000',
        startSeconds: 61,
        endTime: '01:02:05,500',
        endSeconds: 3725.5,
        text: 'spk_2: General Kenobi!',
      },
    ]);
  });

  it('sorts cues and keeps every cue at least 1 ms long', () => {
    const cues = parse(toSrt([unit(2, 1, 'b'), unit(1, 1, 'a'), unit(59.9996, 60.5, 'c')]));
    expect(cues.map((c) => [c.text, c.startSeconds, c.endSeconds])).toEqual([
      ['spk_1: a', 1, 1.001],
      ['spk_1: b', 2, 2.001],
      ['spk_1: c', 60, 60.5],
    ]);
  });

  it('writes an empty file for no units', () => {
    expect(toSrt([])).toBe('');
  });

  it('wraps long text without empty lines', () => {
    const text = 'word '.repeat(40).trim();
    const srt = toSrt([unit(0, 10, text, { speaker_name: 'Bob' })]);
    expectWellFormed(srt, 1);
    expect(srt.split('\n').length).toBeGreaterThan(4);
    expect(parse(srt)[0]?.text.replace(/\n/g, ' ')).toBe(`Bob: ${text}`);
  });

  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 60), t]))(
    'hostile text %s stays one cue',
    (_, text) => {
      const srt = toSrt([unit(1, 2, text, { speaker_name: 'Eve' }), unit(3, 4, 'after')]);
      expectWellFormed(srt, 2);
      const cues = parse(srt);
      expect(cues.map((c) => [c.id, c.startSeconds, c.endSeconds])).toEqual([
        ['1', 1, 2],
        ['2', 3, 4],
      ]);
      const shown = normalizeText(text).replace(/-{2,}>/g, '->');
      expect(cues[0]?.text.replace(/\n/g, ' ')).toBe(shown === '' ? 'Eve:' : `Eve: ${shown}`);
      expect(cues[1]?.text).toBe('spk_1: after');
    },
  );

  it.each(HOSTILE_NAMES.map((n) => [JSON.stringify(n), n]))('hostile speaker name %s', (_, name) => {
    const srt = toSrt([unit(0, 1, 'text', { speaker_name: name })]);
    expectWellFormed(srt, 1);
    const label = normalizeText(name).replace(/-{2,}>/g, '->');
    expect(parse(srt)[0]?.text.replace(/\n/g, ' ')).toBe(`${label === '' ? 'spk_1' : label}: text`);
  });
});
