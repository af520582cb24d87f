import { inject } from 'vitest';
import { createDatabase } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the backends run (vitest.backends.config.ts): the PostgreSQL cluster every server uses. */
    pgBase?: string;
  }
}

/** The API suite runs once as configured by default (SQLite) and once more on PostgreSQL. */
export function usingPostgres(): boolean {
  return inject('pgBase') !== undefined;
}

const databases = new Map<string, string>();

/**
 * What a test server's config gains in the backends run: a database of its own on the shared
 * PostgreSQL cluster, the same one again for a restart on the same data dir. Empty otherwise.
 */
export async function backendToml(dataDir: string): Promise<string> {
  const base = inject('pgBase');
  if (base === undefined) return '';
  let url = databases.get(dataDir);
  if (url === undefined) databases.set(dataDir, (url = await createDatabase(base)));
  return `\n[database]\nurl = "${url}"\n`;
}
