import { BOS, EOS, PAD } from './config.js';

/**
 * Piper's phonemes-to-ids convention (piper-phonemize): every Unicode code point of the IPA
 * string (after NFD, so diacritics stand alone) is one phoneme; the sequence is
 * BOS PAD (phoneme PAD)* EOS, each symbol expanded to its ids in phoneme_id_map. Code points the
 * voice does not know are skipped and reported, as Piper does. `slotOf` gives, per input symbol,
 * the position of its first id (-1 when skipped), for word timings.
 */
export function phonemesToIds(
  phonemes: string | readonly string[],
  idMap: Record<string, number[]>,
): { ids: number[]; missing: string[]; slotOf: Int32Array } {
  const symbols = typeof phonemes === 'string' ? [...phonemes.normalize('NFD')] : phonemes;
  const pad = idMap[PAD]!;
  const ids = [...idMap[BOS]!, ...pad];
  const missing = new Set<string>();
  const slotOf = new Int32Array(symbols.length).fill(-1);
  symbols.forEach((ph, i) => {
    const mapped = idMap[ph];
    if (!mapped) {
      missing.add(ph);
      return;
    }
    slotOf[i] = ids.length;
    ids.push(...mapped, ...pad);
  });
  ids.push(...idMap[EOS]!);
  return { ids, missing: [...missing], slotOf };
}
