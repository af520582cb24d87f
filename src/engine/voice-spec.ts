import type { VoiceProfile } from '../audio/types.js';
import type { NeuralVoiceSpec } from './families/index.js';

export type { NeuralVoiceSpec } from './families/index.js';

/** The voice of one script line: the built-in engine shaped by a profile, or a neural preset. */
export type LineVoice = { engine: 'builtin'; profile: VoiceProfile | null; speed: number } | NeuralVoiceSpec;
