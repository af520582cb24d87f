// The package ships no types; this covers only the parts module.ts uses.
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakWorkerObject {
    /** Synthesises `text` (SSML is always on; a `{ ptr }` is a NUL-terminated UTF-8 string in the heap). */
    synth_(text: string | { ptr: number }, callbackPtr: number): void;
    /** Voice name, optionally `name+variant`; returns 0 on success. */
    set_voice(name: string): number;
    set_rate(wpm: number): number;
    set_pitch(pitch: number): number;
    set_range(range: number): number;
    get_samplerate(): number;
    /** Writes the IPA of `text` to the in-memory file `fileName` (both NUL-terminated in the heap); 0 on success. */
    synth_ipa_(text: { ptr: number }, fileName: { ptr: number }): number;
    getSizeOfEventStruct_(): number;
    list_voices(): { identifier: string; name: string; languages: { priority: number; name: string }[] }[];
  }

  export interface EspeakEmscriptenModule {
    eSpeakNGWorker: new () => EspeakWorkerObject;
    HEAPU8: Uint8Array;
    FS: {
      readFile(path: string, opts: { encoding: 'utf8' }): string;
      unlink(path: string): void;
    };
    HEAP16: Int16Array;
    HEAP32: Int32Array;
    _malloc(size: number): number;
    addFunction(fn: (...args: number[]) => number, signature: string): number;
    removeFunction(ptr: number): void;
  }

  export interface EspeakModuleArg {
    /** Emscripten's file-packager hook: returning the data here skips its own fetch/readFile. */
    getPreloadedPackage?: (name: string, size: number) => ArrayBuffer;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }

  const createEspeakModule: (arg?: EspeakModuleArg) => Promise<EspeakEmscriptenModule>;
  export default createEspeakModule;
}
