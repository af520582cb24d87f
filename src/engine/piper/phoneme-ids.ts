import { BOS, EOS, PAD } from './config.js';

/**
 * Piper's phonemes-to-ids convention (piper-phonemize): every Unicode code point of the IPA
 * string (after NFD, so diacritics stand alone) is one phoneme; the sequence is
 * BOS PAD (phoneme PAD)* EOS, each symbol expanded to its ids in phoneme_id_map. Code points the
 * voice does not know are skipped and reported, as Piper does.
 */
export function phonemesToIds(
  phonemes: string,
  idMap: Record<string, number[]>,
): { ids: number[]; missing: string[] } {
  const pad = idMap[PAD]!;
  const ids = [...idMap[BOS]!, ...pad];
  const missing = new Set<string>();
  for (const ph of phonemes.normalize('NFD')) {
    const mapped = idMap[ph];
    if (!mapped) {
      missing.add(ph);
      continue;
    }
    ids.push(...mapped, ...pad);
  }
  ids.push(...idMap[EOS]!);
  return { ids, missing: [...missing] };
}
