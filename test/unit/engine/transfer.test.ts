import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { movable } from '../../../src/engine/transfer.js';

describe('movable results', () => {
  it('carries the value and the buffers under the shared Symbol.for keys', () => {
    const samples = new Float32Array(8);
    const value = { samples };
    const m = movable(value, [samples.buffer]) as Record<symbol, unknown>;
    expect(m[Symbol.for('Piscina.valueOf')]).toBe(value);
    expect(m[Symbol.for('Piscina.transferable')]).toEqual([samples.buffer]);
    expect(Piscina.transferableSymbol in m).toBe(true);
  });

  it('reads as movable to any copy of piscina, not just the one that marked it', () => {
    const m = movable({}, []) as Record<symbol, unknown>;
    // Another bundle's piscina has its own private symbol with the same description.
    expect(m[Symbol('Piscina.kMovable')]).toBe(true);
    expect(m[Symbol('something else')]).toBeUndefined();
  });
});
