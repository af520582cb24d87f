/**
 * eSpeak NG's native output rate; every voice in this build renders at it. On its own so the voice
 * catalog (main thread) can read it without loading the WASM package that module.ts imports.
 */
export const ESPEAK_SAMPLE_RATE = 22050;
