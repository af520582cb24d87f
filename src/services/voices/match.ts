import type { VoiceProfile } from '../../audio/types.js';
import { round2 } from '../../lib/round.js';

/**
 * Distance between two voice profiles, in rough "just noticeable" units: pitch counts most (3
 * semitones ≈ 1), then brightness (an octave of spectral centroid ≈ 1.5: it also depends on the
 * microphone and room, pitch does not) and a known gender that differs (2). Range and tempo are left
 * out: tempo is matched by speed, range varies with the text.
 */
export function profileDistance(a: VoiceProfile, b: VoiceProfile): number {
  const semitones = a.medianF0 > 0 && b.medianF0 > 0 ? 12 * Math.log2(a.medianF0 / b.medianF0) : 6;
  const brightness = a.brightness > 0 && b.brightness > 0 ? Math.log2(a.brightness / b.brightness) : 0;
  const gender = a.gender !== 'unknown' && b.gender !== 'unknown' && a.gender !== b.gender ? 1 : 0;
  return Math.hypot(semitones / 3, brightness * 1.5, gender * 2);
}

/**
 * The closest preset to `target`, and, when it belongs to a pack that can blend (same pack), the
 * next closest of that pack with it: weights by inverse distance, a partner under 15 % dropped.
 */
export function closestPresets(
  target: VoiceProfile,
  candidates: ReadonlyArray<{ id: string; pack: string; profile: VoiceProfile }>,
): Array<{ id: string; weight: number }> {
  const ranked = candidates
    .map((c) => ({ ...c, d: profileDistance(target, c.profile) }))
    .sort((x, y) => x.d - y.d || x.id.localeCompare(y.id));
  const best = ranked[0];
  if (!best) return [];
  const partner = ranked.find((c) => c !== best && c.pack === best.pack);
  if (!partner) return [{ id: best.id, weight: 1 }];
  const wBest = 1 / (best.d + 0.05);
  const wPartner = 1 / (partner.d + 0.05);
  const share = wPartner / (wBest + wPartner);
  if (share < 0.15) return [{ id: best.id, weight: 1 }];
  return [
    { id: best.id, weight: round2(1 - share) },
    { id: partner.id, weight: round2(share) },
  ];
}

/** Speed that brings a preset's tempo to the speaker's, kept within what voices do naturally. */
export function matchSpeed(speaker: VoiceProfile, preset: VoiceProfile): number {
  if (!(speaker.syllableRate > 0) || !(preset.syllableRate > 0)) return 1;
  return Math.min(1.25, Math.max(0.8, speaker.syllableRate / preset.syllableRate));
}
