import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import { createObjectStore, describeS3Error } from '../../store/objects/open.js';
import { bad, type CheckResult, ok } from './result.js';

/**
 * With `[storage] backend = "s3"`: the bucket answers and takes writes. Unlike the other checks this
 * one writes: a small probe object is put, read back and deleted (under `doctor/` in the prefix), the
 * only way to know the credentials may write before a job's audio depends on it.
 */
export async function checkObjectStorage(storage: Config['storage']): Promise<CheckResult | undefined> {
  if (storage.backend !== 's3') return undefined;
  const id = 'object_storage';
  const name = 'object storage';
  const { endpoint, bucket, prefix } = storage.s3;
  const where = `bucket "${bucket}"${prefix ? ` (prefix ${prefix}/)` : ''} at ${endpoint || 'AWS S3'}`;
  const key = `doctor/probe-${randomBytes(6).toString('hex')}`;
  const body = `voicereel doctor ${new Date().toISOString()}`;
  let step = 'configure';
  try {
    const objects = createObjectStore(storage);
    step = 'write';
    await objects.put(key, body, 'text/plain');
    step = 'read';
    const back = Buffer.from(await objects.get(key)).toString('utf8');
    if (back !== body) throw new Error('the probe read back differs from what was written');
    step = 'delete';
    await objects.remove(key);
  } catch (err) {
    return bad(
      id,
      name,
      'fail',
      `${where}: cannot ${step} (${describeS3Error(err)})`,
      'check [storage.s3] endpoint, bucket and credentials, and that the bucket exists and this key may write to it',
    );
  }
  return ok(id, name, `${where} is reachable and writable (probe written, read back and deleted)`);
}
