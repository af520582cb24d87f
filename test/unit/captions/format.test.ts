import { describe, expect, it } from 'vitest';
import { renderCaptions, toCaptionJson, toSrt, toWebVtt } from '../../../src/captions/format.js';
import type { CaptionUnit } from '../../../src/captions/types.js';

const units: CaptionUnit[] = [
  {
    start: 2.00049,
    end: 3.9996,
    speaker: 'spk_b',
    text: 'Second <b>&amp;</b>\n😀',
    words: [{ text: 'Second', start: 2.00049, end: 2.71234 }],
  },
  { start: 0.1234, end: 1.5, speaker: 'spk_a', speaker_name: '앨리스', text: '안녕하세요.' },
];

describe('toCaptionJson', () => {
  it('pretty-prints { captions } sorted by start with millisecond times and the text as given', () => {
    const body = toCaptionJson(units);
    expect(body).toContain('\n  "captions": [\n');
    expect(body.endsWith('\n')).toBe(true);
    expect(JSON.parse(body)).toEqual({
      captions: [
        { start: 0.123, end: 1.5, speaker: 'spk_a', speaker_name: '앨리스', text: '안녕하세요.' },
        {
          start: 2,
          end: 4,
          speaker: 'spk_b',
          text: 'Second <b>&amp;</b>\n😀',
          words: [{ text: 'Second', start: 2, end: 2.712 }],
        },
      ],
    });
  });

  it('keeps end > start like the other formats', () => {
    const [caption] = (
      JSON.parse(toCaptionJson([{ start: 5, end: 4, speaker: 's', text: 'x' }])) as {
        captions: CaptionUnit[];
      }
    ).captions;
    expect(caption).toMatchObject({ start: 5, end: 5.001 });
  });

  it('writes an empty list for no units', () => {
    expect(JSON.parse(toCaptionJson([]))).toEqual({ captions: [] });
  });
});

describe('renderCaptions', () => {
  it.each([
    ['vtt', 'text/vtt; charset=utf-8', 'vtt', toWebVtt],
    ['srt', 'application/x-subrip; charset=utf-8', 'srt', toSrt],
    ['json', 'application/json; charset=utf-8', 'json', toCaptionJson],
  ] as const)('%s', (format, contentType, extension, render) => {
    expect(renderCaptions(units, format)).toEqual({ body: render(units), contentType, extension });
  });
});
