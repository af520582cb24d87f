import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../src/store/db.js';
import { createStore } from '../../src/store/index.js';
import { LocalObjectStore } from '../../src/store/objects/local.js';
import { SqliteSql } from '../../src/store/sql/sqlite.js';

/** A fresh data dir: its database and store, its object store, and a logger whose lines are kept. */
export function storeInTempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openDatabase(join(dir, 'voicereel.db'));
  const store = createStore(new SqliteSql(db));
  const files = new LocalObjectStore(dir);
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'info' },
    { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
  );
  return { dir, db, store, files, lines, log };
}
