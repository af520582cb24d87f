import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MASTER_SECRET_FILE } from '../secrets.js';
import { bad, type CheckResult, errCode, nearestExisting, ok } from './result.js';

export function checkDataDir(dataDir: string): CheckResult {
  const id = 'data_dir';
  const name = 'data directory';
  if (!existsSync(dataDir)) {
    const parent = nearestExisting(dataDir);
    try {
      if (!statSync(parent).isDirectory()) {
        return bad(id, name, 'fail', `${dataDir} cannot be created: ${parent} is not a directory`);
      }
      accessSync(parent, constants.W_OK | constants.X_OK);
    } catch (err) {
      return bad(
        id,
        name,
        'fail',
        `${dataDir} does not exist and cannot be created in ${parent} (${errCode(err)})`,
        `create it for the service user: install -d -m 750 ${dataDir}`,
      );
    }
    return ok(id, name, `${dataDir} does not exist yet; it will be created at first start`);
  }
  let mode: number;
  try {
    const st = statSync(dataDir);
    if (!st.isDirectory()) {
      return bad(
        id,
        name,
        'fail',
        `${dataDir} is not a directory`,
        'point --data-dir/storage.data_dir at a directory',
      );
    }
    mode = st.mode & 0o777;
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    return bad(
      id,
      name,
      'fail',
      `${dataDir} is not writable by this user (${errCode(err)})`,
      'run as the service user, or chown the directory to it',
    );
  }
  if (mode & 0o007) {
    return bad(
      id,
      name,
      'warn',
      `${dataDir} is open to other users (mode ${octal(mode)})`,
      `chmod o-rwx ${dataDir}`,
    );
  }
  return ok(id, name, `${dataDir} is a writable directory (mode ${octal(mode)})`);
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

export function checkMasterKey(dataDir: string): CheckResult {
  const id = 'master_key';
  const name = 'master key';
  const file = join(dataDir, MASTER_SECRET_FILE);
  if (!existsSync(file))
    return ok(id, name, `${file} not there yet; it is generated (mode 0600) at first start`);
  try {
    const st = statSync(file);
    if (!st.isFile()) return bad(id, name, 'fail', `${file} is not a regular file`, `move it aside`);
    accessSync(file, constants.R_OK);
    const mode = st.mode & 0o777;
    if (mode !== 0o600) {
      // Anyone else able to read it can forge presigned URLs and unseal stored keys.
      return bad(
        id,
        name,
        mode & 0o077 ? 'fail' : 'warn',
        `${file} has mode ${octal(mode)}, not 0600`,
        `chmod 600 ${file}${mode & 0o077 ? ' (and rotate API keys if others may have read it)' : ''}`,
      );
    }
  } catch (err) {
    return bad(id, name, 'fail', `${file} cannot be read (${errCode(err)})`, 'run as the service user');
  }
  return ok(id, name, `${file} has mode 0600`);
}
