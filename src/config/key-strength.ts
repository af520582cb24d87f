/**
 * Strength rule for API keys an operator chooses (the bootstrap key from `VR_API_KEY` or
 * `[security] api_key`); keys the server generates are random and pass it with a wide margin.
 *
 * A key is guessed offline as easily as a password if it looks like one, so the rule refuses what
 * people type rather than estimating bits exactly: the thresholds are set so that any random key of
 * 32+ characters (hex such as `vr_$(openssl rand -hex 24)`, or base64) passes with overwhelming
 * probability, while padded passwords (`password123password123…`), runs (`abcdef…`, `111…`) and
 * short secrets fail.
 */
export const MIN_KEY_LENGTH = 32;
const MIN_DISTINCT_CHARS = 8;
/** A chunk this long seen twice is a repeat, not chance: in 64 random hex characters about 1 in 3 million. */
const REPEAT_CHUNK = 8;

export const KEY_ADVICE = 'generate one with: echo "vr_$(openssl rand -hex 24)"';

/** Why a chosen key is too weak to accept, or undefined when it is strong enough. Never echoes the key. */
export function keyWeakness(key: string): string | undefined {
  if (!/^[\x21-\x7e]+$/.test(key)) {
    return 'must be printable ASCII without spaces (it travels in an HTTP header)';
  }
  if (key.length < MIN_KEY_LENGTH) {
    return `has ${key.length} characters, at least ${MIN_KEY_LENGTH} are needed`;
  }
  if (new Set(key).size < MIN_DISTINCT_CHARS) {
    return `uses fewer than ${MIN_DISTINCT_CHARS} different characters`;
  }
  if (hasRepeatedChunk(key)) {
    return `repeats a run of ${REPEAT_CHUNK} or more characters, as a padded password does`;
  }
  if (mostlySequential(key)) return 'is mostly a sequence such as "abcd", "1234" or "aaaa"';
  return undefined;
}

function hasRepeatedChunk(key: string): boolean {
  const seen = new Set<string>();
  for (let i = 0; i + REPEAT_CHUNK <= key.length; i++) {
    const chunk = key.slice(i, i + REPEAT_CHUNK);
    if (seen.has(chunk)) return true;
    seen.add(chunk);
  }
  return false;
}

/** Neighbours one code point apart (or equal) in over 2/3 of the pairs; in random hex about 1 pair in 6. */
function mostlySequential(key: string): boolean {
  let steps = 0;
  for (let i = 1; i < key.length; i++) {
    if (Math.abs(key.charCodeAt(i) - key.charCodeAt(i - 1)) <= 1) steps++;
  }
  return steps * 3 > (key.length - 1) * 2;
}
