import { z } from 'zod';

/**
 * A model pack is a directory with `voicereel-model.json` (this schema), the model files and their
 * native sidecar configs. Every file the engine reads is listed with its sha256, so a pack carried
 * into the air gap is verified before it is installed and again whenever `models verify` runs.
 */
export const MANIFEST_FILE = 'voicereel-model.json';

/** A pack that cannot be used; the message names the pack and the file at fault. */
export class PackError extends Error {}

const FILE_ROLES = ['model', 'config', 'voices', 'other'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** A relative path inside the pack: no absolute paths, no `..`, no backslashes. */
const packPath = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      p.split('/').every((s) => s !== '..' && s !== '' && s !== '.'),
    {
      message: 'must be a relative path inside the pack',
    },
  );

const voice = z
  .object({
    /** Stable id used in scripts (`voice`) and GET /v1/voices. */
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    name: z.string().min(1).max(100).optional(),
    lang: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/),
    gender: z.enum(['female', 'male', 'neutral']).optional(),
    /** piper multi-speaker voices: the `sid` input. */
    speaker_id: z.number().int().min(0).optional(),
    /** kokoro: the entry of the voices table holding this voice's style vectors. */
    style: z.string().min(1).max(64).optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    format: z.literal(1),
    /** One of the registered families (engine/families); readManifest says which are. */
    family: z.string(),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/),
    version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,49}$/),
    languages: z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/)).min(1),
    sample_rate: z.number().int().min(8000).max(48000),
    license: z.string().min(1).max(200),
    description: z.string().max(1000).optional(),
    source: z.string().max(1000).optional(),
    files: z
      .array(
        z
          .object({
            path: packPath,
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
            role: z.enum(FILE_ROLES),
            size: z.number().int().min(0).optional(),
          })
          .strict(),
      )
      .min(1),
    voices: z.array(voice).min(1),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestVoice = z.infer<typeof voice>;

/** An installed pack as the worker is told about it (the main thread has verified it). */
export interface PackRef {
  dir: string;
  manifest: Manifest;
}

/** Installed packs live in `<models_dir>/<name>-<version>`. */
export function packDirName(m: Pick<Manifest, 'name' | 'version'>): string {
  return `${m.name}-${m.version}`;
}
