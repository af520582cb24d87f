import { describe, expect, it } from 'vitest';
import { LINE_COLUMNS, wrapLines } from '../../../src/captions/text.js';
import type { CaptionUnit } from '../../../src/captions/types.js';
import { toWebVtt } from '../../../src/captions/vtt.js';
import { normalizeText } from '../../../src/text/clean.js';
import { HOSTILE_NAMES, HOSTILE_TEXTS } from './hostile.js';
import { nodeText, parseVtt, type VttCue } from '../../helpers/webvtt.js';

const unit = (start: number, end: number, text: string, extra: Partial<CaptionUnit> = {}): CaptionUnit => ({
  start,
  end,
  speaker: 'spk_1',
  text,
  ...extra,
});

function voiceOf(cue: VttCue) {
  expect(cue.tree.children).toHaveLength(1);
  const v = cue.tree.children[0];
  expect(v?.type).toBe('object');
  expect(v?.name).toBe('v');
  return { annotation: String(v?.value), text: nodeText(v?.children ?? []) };
}

describe('toWebVtt', () => {
  it('writes a valid file with numbered cues, exact times and a voice span per cue', () => {
    const vtt = toWebVtt([
      unit(0.5, 2.25, 'Hello there.', { speaker_name: 'Alice' }),
      unit(2.75, 4.0004, 'General Kenobi!', { speaker: 'spk_2', speaker_name: 'Obi-Wan' }),
    ]);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(vtt).toContain('1\n00:00:00.500 --> 00:00:02.250\n<v Alice>Hello there.</v>');
    const { cues, errors } = parseVtt(vtt);
    expect(errors).toEqual([]);
    expect(cues.map((c) => [c.id, c.startTime, c.endTime])).toEqual([
      ['1', 0.5, 2.25],
      ['2', 2.75, 4],
    ]);
    expect(cues.map(voiceOf)).toEqual([
      { annotation: 'Alice', text: 'Hello there.' },
      { annotation: 'Obi-Wan', text: 'General Kenobi!' },
    ]);
  });

  it('falls back to the speaker id when there is no display name', () => {
    const { cues, errors } = parseVtt(toWebVtt([unit(0, 1, 'Hi')]));
    expect(errors).toEqual([]);
    expect(voiceOf(cues[0] as VttCue).annotation).toBe('spk_1');
  });

  it('sorts cues, and gives zero-length or reversed units 1 ms', () => {
    const vtt = toWebVtt([unit(5, 6, 'third'), unit(1, 1, 'first'), unit(3, 2, 'second')]);
    const { cues, errors } = parseVtt(vtt);
    expect(errors).toEqual([]);
    expect(cues.map((c) => [voiceOf(c).text, c.startTime, c.endTime])).toEqual([
      ['first', 1, 1.001],
      ['second', 3, 3.001],
      ['third', 5, 6],
    ]);
  });

  it('rounds 59.9996 s to the next minute', () => {
    expect(toWebVtt([unit(59.9996, 61, 'x')])).toContain('00:01:00.000 --> 00:01:01.000');
  });

  it('writes just the header for no units', () => {
    const vtt = toWebVtt([]);
    expect(vtt).toBe('WEBVTT\n');
    expect(parseVtt(vtt)).toEqual({ cues: [], errors: [] });
  });

  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 60), t]))(
    'hostile text %s stays one valid cue',
    (_, text) => {
      const vtt = toWebVtt([unit(1, 2, text, { speaker_name: 'Eve' }), unit(3, 4, 'after')]);
      const { cues, errors } = parseVtt(vtt);
      expect(errors).toEqual([]);
      expect(cues).toHaveLength(2);
      const voice = voiceOf(cues[0] as VttCue);
      expect(voice.annotation).toBe('Eve');
      // Only whitespace may differ: newlines are folded and long lines wrapped.
      expect(voice.text.replace(/\s+/g, ' ')).toBe(normalizeText(text));
      for (const line of (cues[0] as VttCue).text.split('\n')) expect(line).not.toContain('-->');
      expect(voiceOf(cues[1] as VttCue).text).toBe('after');
    },
  );

  it.each(HOSTILE_NAMES.map((n) => [JSON.stringify(n), n]))(
    'hostile speaker name %s gives a valid annotation',
    (_, name) => {
      const { cues, errors } = parseVtt(toWebVtt([unit(0, 1, 'text', { speaker_name: name })]));
      expect(errors).toEqual([]);
      const { annotation, text } = voiceOf(cues[0] as VttCue);
      expect(text).toBe('text');
      expect(annotation).not.toMatch(/[<>\n]/);
      expect(annotation.trim()).not.toBe('');
      // webvtt-parser 2.2 leaves references in annotations undecoded; the spec (and browsers) decode them.
      const decoded = annotation.replace(/&amp;/g, '&');
      const expected = normalizeText(name).replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
      expect(decoded).toBe(expected === '' ? 'spk_1' : expected);
    },
  );

  it('never lets a name ending in dashes meet the tag end as "-->"', () => {
    const vtt = toWebVtt([
      unit(0, 1, 'hi', { speaker_name: 'Arrow--' }),
      unit(1, 2, 'there', { speaker_name: 'x->' }),
    ]);
    const { cues, errors } = parseVtt(vtt);
    expect(errors).toEqual([]);
    expect(cues.map(voiceOf)).toEqual([
      { annotation: 'Arrow--', text: 'hi' },
      { annotation: 'x-', text: 'there' },
    ]);
    for (const line of vtt.split('\n').slice(1)) if (!/^\d\d:/.test(line)) expect(line).not.toContain('-->');
  });

  it('escapes markup in text and names', () => {
    const vtt = toWebVtt([unit(0, 1, '<b>&</b>', { speaker_name: 'Tom & <Jerry>' })]);
    expect(vtt).toContain('<v Tom &amp; Jerry>&lt;b&gt;&amp;&lt;/b&gt;</v>');
  });

  it('wraps long text into several lines inside one voice span', () => {
    const text =
      'This is a rather long caption line that certainly does not fit on a single subtitle row at all.';
    const vtt = toWebVtt([unit(0, 5, text, { speaker_name: 'Narrator' })]);
    const { cues, errors } = parseVtt(vtt);
    expect(errors).toEqual([]);
    const cue = cues[0] as VttCue;
    const lines = cue.text.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]?.startsWith('<v Narrator>')).toBe(true);
    expect(lines[lines.length - 1]?.endsWith('</v>')).toBe(true);
    expect(voiceOf(cue).text.replace(/\n/g, ' ')).toBe(text);
  });

  it('survives random text made of markup-significant characters', () => {
    const alphabet = [...'<>&;-/ \n\tavV.:0123456789'].concat([
      '-->',
      '&amp;',
      '<v x>',
      '</v>',
      '😀',
      '한',
      'の',
    ]);
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const pick = () => alphabet[Math.floor(random() * alphabet.length)] ?? '';
      const text = Array.from({ length: 1 + Math.floor(random() * 80) }, pick).join('');
      const name = Array.from({ length: Math.floor(random() * 10) }, pick).join('');
      const { cues, errors } = parseVtt(toWebVtt([unit(i, i + 1, text, { speaker_name: name })]));
      expect(errors, JSON.stringify({ text, name })).toEqual([]);
      expect(cues).toHaveLength(1);
      expect(voiceOf(cues[0] as VttCue).text.replace(/\s+/g, ' ')).toBe(normalizeText(text));
    }
  });
});

describe('wrapLines', () => {
  it('leaves short text alone and never returns empty lines', () => {
    expect(wrapLines('short')).toEqual(['short']);
    expect(wrapLines('')).toEqual([]);
  });

  it('balances two lines instead of filling the first', () => {
    const lines = wrapLines('one two three four five six seven eight nine ten eleven');
    expect(lines).toHaveLength(2);
    const [a = '', b = ''] = lines;
    expect(Math.abs(a.length - b.length)).toBeLessThan(10);
  });

  it('counts wide characters as two columns', () => {
    const korean = '가나다라마바사 아자차카타파하 가나다라마바사 아자차카타파하';
    const lines = wrapLines(korean);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect([...line].length * 2).toBeLessThanOrEqual(LINE_COLUMNS + 2);
  });

  it('keeps an unspaced word whole even when it is too wide', () => {
    const japanese = 'あ'.repeat(40);
    expect(wrapLines(japanese)).toEqual([japanese]);
  });
});
