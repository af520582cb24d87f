import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../lib/private-files.js';
import { MASTER_SECRET_FILE } from '../secrets.js';

export type SecretOutcome = 'copied' | 'present' | 'none at source' | 'missing on target' | 'differs';

/**
 * Moves the master secret with the data: the key pepper (API key hashes), the seal key (signed
 * requests), the presign key and the webhook key all derive from it, so without it no key of the
 * source would work on the target. It goes into the target's data dir (0600), where every node
 * reads it at start. A different secret already there is refused, not overwritten: whatever was
 * made with it would stop working. Verifying (`copy` false), nothing is written.
 */
export function copyMasterSecret(
  sourceDataDir: string,
  targetDataDir: string,
  opts: { copy: boolean },
): SecretOutcome {
  const from = join(sourceDataDir, MASTER_SECRET_FILE);
  const to = join(targetDataDir, MASTER_SECRET_FILE);
  if (!existsSync(from)) return 'none at source';
  const secret = readFileSync(from, 'utf8');
  if (existsSync(to)) {
    if (readFileSync(to, 'utf8').trim() === secret.trim()) return 'present';
    if (!opts.copy) return 'differs';
    throw new Error(
      `${to} holds a different master secret: the source's keys would not work with it ` +
        '(remove it if nothing depends on it, or choose another data_dir for the target)',
    );
  }
  if (!opts.copy) return 'missing on target';
  mkdirSync(targetDataDir, { recursive: true, mode: PRIVATE_DIR });
  writeFileSync(to, secret, { mode: PRIVATE_FILE, flag: 'wx' });
  return 'copied';
}
