import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyWeakness } from '../../../src/config/key-strength.js';

/** Chosen bootstrap keys (issue 9, finding 7): random keys pass, password-like ones are refused. */
describe('configured key strength', () => {
  it('accepts random keys of every usual shape, every time', () => {
    for (let i = 0; i < 2000; i++) {
      const hex48 = `vr_${randomBytes(24).toString('hex')}`;
      const testKey = `vr_test_${randomBytes(16).toString('hex')}`;
      const hex32 = randomBytes(16).toString('hex');
      const base64 = randomBytes(32).toString('base64');
      for (const key of [hex48, testKey, hex32, base64]) expect(keyWeakness(key), key).toBeUndefined();
    }
  });

  it.each([
    ['password123', /11 characters, at least 32/],
    ['vr_short_0123456789abcdef', /at least 32/],
    ['password123password123password123', /repeats a run/],
    ['password123!password123!password123!', /repeats a run/],
    ['a'.repeat(40), /fewer than 8 different/],
    ['abcdefghijklmnopqrstuvwxyz0123456789', /mostly a sequence/],
    ['abcdabcdefgfedcbaABCDCBA0123210zyx', /mostly a sequence/],
    ['vr_ 9f2c4e7a1b3d5f60 8e2a4c6b9d1f3e5a', /printable ASCII/],
    ['ключ-ключ-9f2c4e7a1b3d5f608e2a4c6b9d1f3e5a', /printable ASCII/],
  ])('refuses %j', (key, reason) => {
    expect(keyWeakness(key)).toMatch(reason);
    expect(keyWeakness(key)).not.toContain(key);
  });
});
