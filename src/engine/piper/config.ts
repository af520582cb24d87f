import { z } from 'zod';

/**
 * Piper's voice sidecar (`<voice>.onnx.json`), the fields the engine uses. Piper writes more
 * (dataset, training language…); they are accepted and ignored.
 */
export const piperConfigSchema = z.object({
  audio: z.object({ sample_rate: z.number().int().min(8000).max(48000) }),
  espeak: z.object({ voice: z.string().min(1) }),
  inference: z
    .object({
      noise_scale: z.number().positive().default(0.667),
      length_scale: z.number().positive().default(1),
      noise_w: z.number().nonnegative().default(0.8),
    })
    .default({ noise_scale: 0.667, length_scale: 1, noise_w: 0.8 }),
  phoneme_type: z.enum(['espeak', 'text']).default('espeak'),
  phoneme_id_map: z.record(z.string(), z.array(z.number().int().min(0))),
  num_speakers: z.number().int().min(1).default(1),
  speaker_id_map: z.record(z.string(), z.number().int().min(0)).default({}),
});

export type PiperConfig = z.infer<typeof piperConfigSchema>;

/** Parses a sidecar's JSON text, naming the first bad field. */
export function parsePiperConfig(text: string, file: string): PiperConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = piperConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  for (const sym of [PAD, BOS, EOS])
    if (!parsed.data.phoneme_id_map[sym]) throw new Error(`${file}: phoneme_id_map has no "${sym}"`);
  return parsed.data;
}

/** Piper's special symbols: padding between phonemes, start and end of the utterance. */
export const PAD = '_';
export const BOS = '^';
export const EOS = '$';
