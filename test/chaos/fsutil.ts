import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file (and, with `dirs`, every folder) under `dir`, as absolute paths. */
export function walk(dir: string, dirs = false): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (!e.isDirectory()) return [p];
    return dirs ? [p, ...walk(p, dirs)] : walk(p, dirs);
  });
}

/** Upload temp folders and files, and the local object store's half-written `*.tmp` names, relative to the data dir. */
export function tempFiles(dataDir: string): string[] {
  const found = walk(join(dataDir, 'tmp'), true).map((f) => relative(dataDir, f));
  found.push(
    ...walk(dataDir)
      .filter((f) => f.endsWith('.tmp'))
      .map((f) => relative(dataDir, f)),
  );
  return [...new Set(found)];
}
