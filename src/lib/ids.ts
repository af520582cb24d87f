import { randomBytes } from 'node:crypto';

/** Prefixed, URL-safe random ids: the prefix tells a human what kind of object an id names. */
export function newId(prefix: 'spk' | 'job' | 'key' | 'file' | 'req' | 'lex'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

const ID_PATTERN = /^(spk|job|key|file|lex)_[A-Za-z0-9_-]{16}$/;

/** Ids from clients are checked for shape before any lookup, so odd input never reaches SQL or paths. */
export function isWellFormedId(value: string, prefix: 'spk' | 'job' | 'key' | 'file' | 'lex'): boolean {
  return ID_PATTERN.test(value) && value.startsWith(`${prefix}_`);
}
