import { readFileSync } from 'node:fs';
import createEspeakModule, {
  type EspeakEmscriptenModule,
  type EspeakWorkerObject,
} from '@echogarden/espeak-ng-emscripten';
import { clamp } from './curves.js';

export { ESPEAK_SAMPLE_RATE } from './rate.js';

/** A WORD event: where the word sits in the input text and where it starts in the audio. */
export interface EspeakWordEvent {
  /** 0-based index into the input's Unicode code points (eSpeak reports 1-based code points). */
  charIndex: number;
  /** Length in code points. */
  charLength: number;
  /** Absolute sample index at which the word starts. */
  sample: number;
}

export interface EspeakOutput {
  samples: Float32Array;
  words: EspeakWordEvent[];
  /**
   * The phonemes eSpeak said, in order, as IPA (its PHONEME events; this build reports them in
   * IPA): what a text or a `[[…]]` phoneme input actually became.
   */
  phonemes: string[];
}

export interface EspeakSettings {
  /** Voice name as set_voice takes it, e.g. `en-us`, `ko+f3`. */
  voice: string;
  /** Words per minute, 80–450. */
  rate: number;
  /** Base pitch, 0–99. */
  pitch: number;
  /** Pitch range, 0–99. */
  range: number;
}

export interface Espeak {
  readonly sampleRate: number;
  /** Synthesises SSML-escaped text (this build always parses SSML; escape &, <, >). */
  synthesize(text: string, settings: EspeakSettings): EspeakOutput;
  /** eSpeak NG's IPA for SSML-escaped text in a voice, one line per clause (what Piper voices are trained on). */
  ipa(text: string, voice: string): string;
  voiceNames(): string[];
}

// espeak_EVENT on wasm32 (36 bytes): type, unique_identifier, text_position, length,
// audio_position, sample, user_data, id (8-byte union). Offsets in 32-bit words.
const EVENT_STRUCT_SIZE = 36;
const EV_TYPE = 0;
const EV_TEXT_POSITION = 2;
const EV_LENGTH = 3;
const EV_SAMPLE = 5;
/** The id union: a PHONEME event's name is up to 8 bytes of UTF-8 there, NUL-padded. */
const EV_ID_BYTE = 28;
const EV_ID_BYTES = 8;
const EVENT_LIST_TERMINATED = 0;
const EVENT_WORD = 1;
const EVENT_PHONEME = 7;

const UTF8 = new TextDecoder();

const loaded = new Map<string, Promise<Espeak>>();

/**
 * Loads the WASM module once per thread (per data file). The data file is read from `dataPath`
 * and handed over through Emscripten's getPreloadedPackage hook, because the package's own
 * locateFile points beside its JS file, which does not exist in the bundled app.
 */
export function loadEspeak(dataPath: string): Promise<Espeak> {
  let p = loaded.get(dataPath);
  if (!p) {
    p = instantiate(dataPath);
    p.catch(() => loaded.delete(dataPath));
    loaded.set(dataPath, p);
  }
  return p;
}

async function instantiate(dataPath: string): Promise<Espeak> {
  const bytes = readFileSync(dataPath);
  // The loader insists on a plain ArrayBuffer holding exactly the file; a 24 MB read already has
  // its own, so this copies only if Node handed back a view into something larger.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const data = (
    whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  ) as ArrayBuffer;
  const m = await createEspeakModule({
    getPreloadedPackage: () => data,
    // eSpeak's stdout/stderr chatter would land in the server log untagged; errors surface as return codes.
    print: () => {},
    printErr: () => {},
  });
  const worker = new m.eSpeakNGWorker();
  if (worker.getSizeOfEventStruct_() !== EVENT_STRUCT_SIZE) {
    throw new Error(`eSpeak event struct is ${worker.getSizeOfEventStruct_()} bytes, expected 36`);
  }
  return new EspeakWrapper(m, worker);
}

/**
 * eSpeak carries state from one utterance to the next (waveform phase, echo buffer, the C library's
 * random numbers for breath noise), so the same request rendered twice differs by a few samples and
 * in every sample value. Restoring the whole WASM heap (17 MB, ~2 ms) to one snapshot before each
 * synthesis makes every rendering a function of its inputs alone.
 *
 * Conditions for that to be safe, checked when written: no file stays open across calls (the JS
 * file system's streams are unaffected by the restore), the text is placed in the heap by us after
 * the restore (not through the bindings' string cache), and the bindings' string cache is allocated
 * and large enough before the snapshot, so its JS-side bookkeeping stays valid.
 */
class HeapSnapshot {
  private readonly image: Uint8Array;

  constructor(
    private readonly m: EspeakEmscriptenModule,
    worker: EspeakWorkerObject,
  ) {
    // A failing call with a long name grows the string cache on the next call; that call then loads
    // a voice, so the snapshot holds a fully initialised synthesiser.
    worker.set_voice('x'.repeat(1024));
    if (worker.set_voice(ESPEAK_VOICE_AT_SNAPSHOT) !== 0) throw new Error('eSpeak: default voice missing');
    this.image = m.HEAPU8.slice();
  }

  restore(): void {
    const heap = this.m.HEAPU8; // after memory growth this is a new, larger view
    heap.set(this.image);
    if (heap.length > this.image.length) heap.fill(0, this.image.length);
  }
}

const ESPEAK_VOICE_AT_SNAPSHOT = 'en-us';
/** In-memory file eSpeak writes IPA to (Emscripten MEMFS; closed by eSpeak before it returns). */
const IPA_FILE = '/tmp/voicereel-ipa.txt';
/** Well inside the ~1.2 kB string cache the snapshot is taken with. */
const MAX_VOICE_NAME = 256;

class EspeakWrapper implements Espeak {
  readonly sampleRate: number;
  private readonly callbackPtr: number;
  private sink: ((audioPtr: number, length: number, eventsPtr: number) => void) | null = null;
  private readonly snapshot: HeapSnapshot;

  constructor(
    private readonly m: EspeakEmscriptenModule,
    private readonly worker: EspeakWorkerObject,
  ) {
    this.sampleRate = worker.get_samplerate();
    // One table slot for the life of the module; each synthesis swaps the JS sink behind it.
    this.callbackPtr = m.addFunction((audioPtr, length, eventsPtr) => {
      this.sink?.(audioPtr ?? 0, length ?? 0, eventsPtr ?? 0);
      return 0; // 0 = continue synthesis
    }, 'iiii');
    this.snapshot = new HeapSnapshot(m, worker);
  }

  voiceNames(): string[] {
    return this.worker.list_voices().map((v) => v.identifier);
  }

  synthesize(text: string, settings: EspeakSettings): EspeakOutput {
    this.snapshot.restore();
    this.applySettings(settings);
    const textPtr = this.heapString(text);
    let buf = new Float32Array(this.sampleRate * 4);
    let n = 0;
    const words: EspeakWordEvent[] = [];
    const phonemes: string[] = [];
    this.sink = (audioPtr, length, eventsPtr) => {
      // Read the heaps afresh: memory growth replaces the views.
      const heap16 = this.m.HEAP16;
      const heap32 = this.m.HEAP32;
      if (length > 0) {
        if (n + length > buf.length) {
          const bigger = new Float32Array(Math.max(buf.length * 2, n + length));
          bigger.set(buf.subarray(0, n));
          buf = bigger;
        }
        const base = audioPtr >> 1;
        for (let i = 0; i < length; i++) buf[n + i] = (heap16[base + i] ?? 0) / 32768;
        n += length;
      }
      for (let p = eventsPtr >> 2; eventsPtr !== 0; p += EVENT_STRUCT_SIZE >> 2) {
        const type = heap32[p + EV_TYPE];
        if (type === EVENT_LIST_TERMINATED || type === undefined) break;
        if (type === EVENT_WORD) {
          words.push({
            charIndex: (heap32[p + EV_TEXT_POSITION] ?? 1) - 1,
            charLength: heap32[p + EV_LENGTH] ?? 0,
            sample: heap32[p + EV_SAMPLE] ?? 0,
          });
        } else if (type === EVENT_PHONEME) {
          const name = this.m.HEAPU8.subarray(p * 4 + EV_ID_BYTE, p * 4 + EV_ID_BYTE + EV_ID_BYTES);
          const end = name.indexOf(0);
          const ipa = UTF8.decode(end < 0 ? name : name.subarray(0, end));
          if (ipa !== '') phonemes.push(ipa); // pauses have no name
        }
      }
    };
    try {
      this.worker.synth_({ ptr: textPtr }, this.callbackPtr);
    } finally {
      this.sink = null;
    }
    return { samples: buf.slice(0, n), words, phonemes };
  }

  ipa(text: string, voice: string): string {
    this.snapshot.restore();
    this.applySettings({ voice, rate: 175, pitch: 50, range: 50 });
    // Both strings go into the heap by us, after the restore (see HeapSnapshot), never the bindings' cache.
    const textPtr = this.heapString(text);
    const namePtr = this.heapString(IPA_FILE);
    const rc = this.worker.synth_ipa_({ ptr: textPtr }, { ptr: namePtr });
    if (rc !== 0) throw new Error(`eSpeak could not phonemize (error ${rc})`);
    try {
      return this.m.FS.readFile(IPA_FILE, { encoding: 'utf8' });
    } finally {
      this.m.FS.unlink(IPA_FILE);
    }
  }

  /** A NUL-terminated UTF-8 copy in the WASM heap, freed by the next restore. */
  private heapString(s: string): number {
    const utf8 = new TextEncoder().encode(`${s}\0`);
    const ptr = this.m._malloc(utf8.length);
    this.m.HEAPU8.set(utf8, ptr);
    return ptr;
  }

  private applySettings(s: EspeakSettings): void {
    // Names longer than the string cache would leave JS-side allocations the next restore forgets.
    if (s.voice.length > MAX_VOICE_NAME) throw new Error('eSpeak voice name too long');
    // Always: the restore just put the snapshot's voice back.
    const rc = this.worker.set_voice(s.voice);
    if (rc !== 0) throw new Error(`eSpeak cannot load voice "${s.voice}" (error ${rc})`);
    this.worker.set_rate(Math.round(clamp(s.rate, 80, 450)));
    this.worker.set_pitch(Math.round(clamp(s.pitch, 0, 99)));
    this.worker.set_range(Math.round(clamp(s.range, 0, 99)));
  }
}
