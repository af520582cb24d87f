import { chmodSync, statSync } from 'node:fs';

/**
 * Everything VoiceReel writes (database and its WAL, audio, uploads, reports, backups, model packs,
 * the master secret) is for its own user only, whatever umask it was started with: a hand-run
 * `voicereel serve` under the usual 022 must not leave voices and key hashes world-readable.
 * The process umask is set to PRIVATE_UMASK at start, and files are also created with these
 * modes explicitly, so a library that creates files its own way still lands private.
 */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * Takes group and other access away from an existing file or directory (one an older version or
 * another umask created). A missing path or one owned by another user (EPERM) is left alone.
 */
export function makePrivate(path: string): void {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, mode & 0o700);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}
