import { statfsSync } from 'node:fs';
import { bad, type CheckResult, errCode, GiB, nearestExisting, ok } from './result.js';

export interface DiskThresholds {
  failBelow: number;
  warnBelow: number;
}

export const DEFAULT_DISK_THRESHOLDS: DiskThresholds = { failBelow: 1 * GiB, warnBelow: 5 * GiB };

export function checkDisk(
  dataDir: string,
  thresholds: DiskThresholds = DEFAULT_DISK_THRESHOLDS,
  statfs: (path: string) => { bavail: number; bsize: number } = statfsSync,
): CheckResult {
  const id = 'disk';
  const name = 'free disk space';
  const where = nearestExisting(dataDir);
  let free: number;
  try {
    const st = statfs(where);
    free = st.bavail * st.bsize;
  } catch (err) {
    return bad(id, name, 'fail', `cannot read the file system of ${where} (${errCode(err)})`);
  }
  const text = `${(free / GiB).toFixed(1)} GiB free on the file system of ${where}`;
  const hint = 'free space or move storage.data_dir; old job audio goes after storage.retention_hours';
  if (free < thresholds.failBelow) {
    return bad(id, name, 'fail', `${text} (needs ${(thresholds.failBelow / GiB).toFixed(1)} GiB)`, hint);
  }
  if (free < thresholds.warnBelow) {
    return bad(id, name, 'warn', `${text} (below ${(thresholds.warnBelow / GiB).toFixed(1)} GiB)`, hint);
  }
  return ok(id, name, text);
}
