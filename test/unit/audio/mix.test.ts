import { describe, expect, it } from 'vitest';
import { integratedLoudness, peakDb } from '../../../src/audio/loudness.js';
import { mixChunk, ProgramLayout } from '../../../src/audio/mix.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { nonSilentRegions } from '../../../src/audio/vad.js';
import { concat, peakOf, sine, syllableTrain, vowel, zeros } from '../../helpers/audio-fixtures.js';

const scaled = (audio: PcmAudio, gain: number): PcmAudio => ({
  samples: audio.samples.map((v) => v * gain),
  sampleRate: audio.sampleRate,
});

function slice(audio: PcmAudio, start: number, end: number): PcmAudio {
  return {
    samples: audio.samples.subarray(Math.round(start * audio.sampleRate), Math.round(end * audio.sampleRate)),
    sampleRate: audio.sampleRate,
  };
}

interface MixSegment {
  audio: PcmAudio;
  gapBefore: number;
}

/** A whole programme as one chunk: the layout places the segments, mixChunk levels and copies them. */
function mixProgram(
  segments: MixSegment[],
  opts: { sampleRate: number; targetLufs: number; tailSeconds?: number; peakCeilingDb?: number },
) {
  const rate = opts.sampleRate;
  const layout = new ProgramLayout(
    rate,
    segments.map((s) => s.gapBefore),
  );
  const at = segments.map((s) => layout.place(layout.lengthOf(s.audio.samples.length, s.audio.sampleRate)));
  const total = layout.nextStart() + Math.round((opts.tailSeconds ?? 0) * rate);
  const chunk = segments.map((s, i) => ({ audio: s.audio, at: at[i]!.start }));
  const samples = mixChunk(total, rate, chunk, {
    targetLufs: opts.targetLufs,
    peakCeilingDb: opts.peakCeilingDb,
  });
  return {
    audio: { samples, sampleRate: rate },
    placements: at.map((p) => ({ start: p.start / rate, end: p.end / rate })),
  };
}

describe('ProgramLayout and mixChunk', () => {
  it('levels each speaker to the target, converts rates and places segments sample-accurately', () => {
    const segments: MixSegment[] = [
      { audio: scaled(syllableTrain(4, 2, 22050, 120), 0.05), gapBefore: 0.25 }, // quiet, 22.05 kHz
      { audio: syllableTrain(5, 1.5, 16000, 210), gapBefore: 0.4 }, // loud, 16 kHz
      { audio: scaled(vowel(150, 1, 24000), 0.3), gapBefore: 0.333 }, // 24 kHz
    ];
    const { audio, placements } = mixProgram(segments, { sampleRate: 48000, targetLufs: -18 });
    expect(audio.sampleRate).toBe(48000);
    expect(placements.length).toBe(3);

    let cursor = 0;
    segments.forEach((seg, i) => {
      const p = placements[i]!;
      cursor += Math.round(seg.gapBefore * 48000);
      const length = Math.round((seg.audio.samples.length * 48000) / seg.audio.sampleRate);
      expect(p.start * 48000).toBeCloseTo(cursor, 6);
      expect(p.end * 48000).toBeCloseTo(cursor + length, 6);
      cursor += length;
      // Each speaker individually at the target.
      expect(Math.abs(integratedLoudness(slice(audio, p.start, p.end)) - -18)).toBeLessThan(0.5);
    });
    expect(audio.samples.length).toBe(cursor);
    // Gaps are silent.
    expect(peakOf(audio.samples.subarray(0, Math.round(placements[0]!.start * 48000)))).toBe(0);
    expect(peakOf(slice(audio, placements[0]!.end, placements[1]!.start).samples)).toBe(0);
    expect(peakDb(audio)).toBeLessThanOrEqual(-1 + 1e-4);
  });

  it('keeps content at the same offset inside its placement (resampling adds no delay)', () => {
    // Each segment: 0.2 s silence then a tone burst, at a different input rate.
    const burst = (rate: number) => concat([zeros(0.2, rate), sine(500, 0.3, rate, 0.5), zeros(0.1, rate)]);
    const segments = [22050, 16000, 44100, 8000].map((rate) => ({ audio: burst(rate), gapBefore: 0.15 }));
    const { audio, placements } = mixProgram(segments, { sampleRate: 24000, targetLufs: -16 });
    const regions = nonSilentRegions(audio, { thresholdDb: -30 });
    expect(regions.length).toBe(4);
    regions.forEach((r, i) => {
      expect(Math.abs(r.start - (placements[i]!.start + 0.2))).toBeLessThan(0.002);
      expect(Math.abs(r.end - (placements[i]!.start + 0.5))).toBeLessThan(0.002);
    });
  });

  it('does not drift over many fractional gaps', () => {
    const segments = Array.from({ length: 200 }, () => ({
      audio: sine(300, 0.01, 16000, 0.2),
      gapBefore: 0.0123457,
    }));
    const { placements } = mixProgram(segments, { sampleRate: 16000, targetLufs: -20 });
    const last = placements[199]!;
    const ideal = 200 * 0.0123457 + 199 * 0.01;
    expect(Math.abs(last.start - ideal)).toBeLessThanOrEqual(0.5 / 16000 + 1e-12);
    for (const p of placements) expect(p.start * 16000).toBeCloseTo(Math.round(p.start * 16000), 6);
  });

  it('applies the peak ceiling to the whole program', () => {
    // A very peaky segment pushed to a loud target.
    const peaky = sine(200, 2, 16000, 0.02);
    peaky.samples[16000] = 1;
    const { audio } = mixProgram([{ audio: peaky, gapBefore: 0 }], {
      sampleRate: 16000,
      targetLufs: -10,
      peakCeilingDb: -3,
    });
    expect(peakDb(audio)).toBeLessThanOrEqual(-3 + 1e-4);
    expect(Math.abs(integratedLoudness(audio) - -10)).toBeLessThan(0.5);
  });

  it('passes silent segments through and levels very short ones', () => {
    const { audio, placements } = mixProgram(
      [
        { audio: zeros(0.5, 22050), gapBefore: 0 },
        { audio: scaled(vowel(180, 0.15, 22050), 0.01), gapBefore: 0.1 }, // shorter than one gating block
      ],
      { sampleRate: 22050, targetLufs: -16 },
    );
    expect(audio.samples.every((v) => Number.isFinite(v))).toBe(true);
    expect(peakOf(slice(audio, placements[0]!.start, placements[0]!.end).samples)).toBe(0);
    const short = integratedLoudness(slice(audio, placements[1]!.start, placements[1]!.end));
    expect(Math.abs(short - -16)).toBeLessThan(1);
  });

  it('handles an empty program and rejects invalid gaps', () => {
    const empty = mixProgram([], { sampleRate: 48000, targetLufs: -16 });
    expect(empty.audio.samples.length).toBe(0);
    expect(empty.placements).toEqual([]);
    const seg = { audio: sine(300, 0.1, 16000), gapBefore: -0.1 };
    // Gaps are checked when the layout is made, before any work.
    expect(() => mixProgram([seg], { sampleRate: 16000, targetLufs: -16 })).toThrow(RangeError);
    expect(() => mixProgram([{ ...seg, gapBefore: NaN }], { sampleRate: 16000, targetLufs: -16 })).toThrow(
      RangeError,
    );
  });

  it('ends with its tail of silence, and mixes the same in chunks cut in the pauses as whole', () => {
    const segments: MixSegment[] = [
      { audio: syllableTrain(4, 1, 22050, 120), gapBefore: 0.1 },
      { audio: scaled(vowel(150, 1, 24000), 0.3), gapBefore: 0.2 },
      { audio: syllableTrain(3, 0.8, 16000, 200), gapBefore: 0.35 },
    ];
    const plain = mixProgram(segments, { sampleRate: 44100, targetLufs: -16 });
    const tailed = mixProgram(segments, { sampleRate: 44100, targetLufs: -16, tailSeconds: 0.3 });
    const n = plain.audio.samples.length;
    expect(tailed.audio.samples.length).toBe(n + Math.round(0.3 * 44100));
    expect(tailed.audio.samples.subarray(0, n)).toEqual(plain.audio.samples);
    expect(peakOf(tailed.audio.samples.subarray(n))).toBe(0);
    expect(tailed.placements).toEqual(plain.placements);

    // Cut in the pause before the last segment: two chunks, the second placed relative to its start.
    const at = tailed.placements.map((p) => ({ start: Math.round(p.start * 44100) }));
    const cut = Math.round(tailed.placements[1]!.end * 44100) + 100;
    const first = mixChunk(
      cut,
      44100,
      segments.slice(0, 2).map((s, i) => ({ audio: s.audio, at: at[i]!.start })),
      { targetLufs: -16 },
    );
    const second = mixChunk(
      tailed.audio.samples.length - cut,
      44100,
      [{ audio: segments[2]!.audio, at: at[2]!.start - cut }],
      { targetLufs: -16 },
    );
    const joined = new Float32Array(first.length + second.length);
    joined.set(first);
    joined.set(second, first.length);
    expect(joined).toEqual(tailed.audio.samples);
    expect(() => mixChunk(10, 44100, [{ audio: segments[0]!.audio, at: 0 }])).toThrow(RangeError);
  });
});
