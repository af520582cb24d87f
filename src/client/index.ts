/**
 * The VoiceReel client: `import { VoiceReelClient } from 'voicereel/client'`. Depends on nothing but
 * Node's built-ins and the global fetch (Node 20).
 */
export { VoiceReelClient, speakerForm, type CallOptions, type RegisterSpeakerInput } from './client.js';
export { type ByteRange } from './download.js';
export { VoiceReelError } from './errors.js';
export { type ClientOptions, type RequestSpec, Transport } from './http.js';
export { type UploadFile, type UploadSource } from './multipart.js';
export { signatureHeader, sha256Hex } from './sign.js';
export { parseEventStream, type RawEvent } from './sse.js';
export type * from './types.js';
export { isTerminal, type WaitOptions } from './wait.js';
