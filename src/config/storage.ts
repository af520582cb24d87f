import { z } from 'zod';

/**
 * `[storage.s3]`: the S3-compatible bucket (AWS S3, MinIO, Ceph RGW) that holds job audio, captions
 * and reference recordings when `[storage] backend = "s3"`, shared by every node of a cluster.
 */
export const s3Storage = z
  .object({
    /** Empty: AWS S3 itself (from the region). Else the service's URL, e.g. `https://minio.internal:9000`. */
    endpoint: z
      .string()
      .default('')
      .refine((v) => v === '' || isHttpUrl(v), 'must be empty (AWS S3) or an http:// or https:// URL'),
    region: z.string().min(1).default('us-east-1'),
    /** Required with backend "s3". */
    bucket: z
      .string()
      .default('')
      .refine(
        (v) => v === '' || /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,253}[a-zA-Z0-9]$/.test(v),
        'not a bucket name (3 to 255 letters, digits, dots, hyphens or underscores)',
      ),
    /** Keys go under this prefix (`voicereel/jobs/…`), so one bucket can hold several installations. */
    prefix: z
      .string()
      .default('')
      .transform((v) => v.replace(/\/+$/, ''))
      .refine(
        (v) => v === '' || v.split('/').every((p) => p !== '' && p !== '.' && p !== '..'),
        'must be a relative path such as "voicereel" (no leading slash, no empty, "." or ".." part)',
      ),
    /** Path-style URLs (`endpoint/bucket/key`), what MinIO and Ceph RGW usually need. */
    force_path_style: z.boolean().default(true),
    /** With secret_access_key_file; both empty: the AWS SDK's own chain (AWS_* variables, profiles). */
    access_key_id: z.string().default(''),
    secret_access_key_file: z.string().default(''),
    /**
     * `proxy`: VoiceReel's presigned /v1/files URLs stream the object through the node. `presigned`:
     * those URLs redirect to the bucket's own presigned GET (15 minutes), which clients must reach.
     */
    downloads: z.enum(['proxy', 'presigned']).default('proxy'),
  })
  .strict();

export type S3StorageConfig = z.infer<typeof s3Storage>;

/** Settings that only make sense together, checked once the `[storage]` table has parsed. */
export function checkStorageBackend(
  v: { backend: 'local' | 's3'; s3: S3StorageConfig },
  ctx: z.RefinementCtx,
): void {
  const issue = (key: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['s3', key], message });
  if (v.backend === 's3' && v.s3.bucket === '') issue('bucket', 'is required with backend = "s3"');
  if (v.s3.access_key_id !== '' && v.s3.secret_access_key_file === '')
    issue('secret_access_key_file', 'is required with access_key_id');
  if (v.s3.access_key_id === '' && v.s3.secret_access_key_file !== '')
    issue('access_key_id', 'is required with secret_access_key_file');
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}
