// The package's own declarations are a global `declare module` file that its "exports" map never
// points TypeScript at under NodeNext resolution, so the subset we use is declared here.
declare module '@breezystack/lamejs' {
  export class Mp3Encoder {
    constructor(channels: number, sampleRate: number, kbps: number);
    encodeBuffer(left: Int16Array, right?: Int16Array): Uint8Array;
    flush(): Uint8Array;
  }
}
