import type { Sql } from '../../store/sql/client.js';
import { namedObjects } from '../../store/transfer/source.js';
import { LocalObjectStore } from '../../store/objects/local.js';
import { type ObjectTarget, transferObject } from './objects.js';
import type { ObjectProgress } from './progress.js';
import type { FilesReport } from './report.js';

export interface FileRun {
  sourceDataDir: string;
  objects: ObjectTarget;
  note: (line: string) => void;
}

/**
 * Every file the snapshot names, in key order after where the progress note stopped: copied to the
 * target's object store (or, verifying, only compared) and checked by size and SHA-256. Files an
 * interrupted run already checked count by its note: what it found missing or mismatched stays
 * in the report.
 */
export async function transferFiles(
  source: Sql,
  run: FileRun,
  opts: { copy: boolean; progress: ObjectProgress; save: () => void },
): Promise<FilesReport> {
  const named = await namedObjects(source);
  const local = new LocalObjectStore(run.sourceDataDir);
  const p = opts.progress;
  const report: FilesReport = {
    named: named.length,
    copied: 0,
    present: 0,
    bytes: 0,
    missing_at_source: p.missingAtSource,
    missing_on_target: [],
    mismatched: p.mismatched,
    ok: false,
  };
  let seen = 0;
  for (const { key, contentType } of named) {
    seen++;
    if (p.after !== null && key <= p.after) continue;
    const { outcome, bytes } = await transferObject(run.objects, key, local.path(key), {
      copy: opts.copy,
      ...(contentType ? { contentType } : {}),
    });
    report.bytes += bytes;
    if (outcome === 'copied') report.copied++;
    else if (outcome === 'present') report.present++;
    else if (outcome === 'missing at source') p.missingAtSource.push(key);
    else if (outcome === 'missing on target') report.missing_on_target.push(key);
    else p.mismatched.push(key);
    p.after = key;
    opts.save();
    run.note(`files: ${seen} of ${named.length} (${key}: ${outcome})`);
  }
  report.ok = report.missing_on_target.length === 0 && report.mismatched.length === 0;
  return report;
}
