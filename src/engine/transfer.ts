import { Piscina } from 'piscina';

/**
 * Wraps a worker's result so piscina transfers `buffers` instead of copying them.
 *
 * Piscina.move marks its wrapper with a module-private symbol. In the bundled app, piscina's
 * thread bootstrap (build/worker.js) and the engine worker each carry their own copy of piscina,
 * so the bootstrap does not recognise that mark and posts the bare wrapper, whose symbol-keyed
 * contents structured clone drops: the main thread would receive `{}`. The proxy also answers the
 * bootstrap's own "movable?" symbol (same description, different identity); the value and the
 * transfer list already use Symbol.for keys, which every copy shares.
 */
export function movable(value: unknown, buffers: ArrayBuffer[]): unknown {
  const wrapper = Piscina.move({
    [Piscina.transferableSymbol]: buffers,
    [Piscina.valueSymbol]: value,
  } as unknown as ArrayBuffer) as object;
  return new Proxy(wrapper, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' && key.description === 'Piscina.kMovable') return true;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
