import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The floors of src/ (docs/architecture.md) are enforced by the lint configuration: these run the
 * project's own ESLint config over one-line files placed in each folder.
 */
const root = join(import.meta.dirname, '..', '..');
// The one-line files are in no TypeScript project, so they are linted without the type-aware rules
// (which need one); the floors are plain import rules of the same configuration.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
});

async function floorErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import type { X } from '${source}';\nexport type Y = X;\n`, {
    filePath: join(root, file),
  });
  // A file that does not parse reports no rule at all: that must fail here, not pass as "allowed".
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('floors', () => {
  it.each([
    // upwards
    ['src/engine/neural/x.ts', '../../services/synthesis.js', 'src/engine may not import src/services'],
    ['src/engine/x.ts', '../services/backend.js', 'src/engine may not import src/services'],
    ['src/captions/x.ts', '../engine/types.js', 'src/captions may not import src/engine'],
    ['src/text/x.ts', '../engine/types.js', 'src/text may not import src/engine'],
    ['src/store/x.ts', '../engine/types.js', 'src/store may not import src/engine'],
    ['src/services/x.ts', '../jobs/queue.js', 'src/services may not import src/jobs'],
    ['src/services/voices/x.ts', '../../api/app.js', 'src/services may not import src/api'],
    ['src/jobs/x.ts', '../api/app.js', 'src/jobs may not import src/api'],
    ['src/api/x.ts', '../main.js', 'src/api may not import src/main.ts'],
    // below, but out of reach: the api gets at the store only through the services, types included
    ['src/api/routes/x.ts', '../../store/index.js', 'src/api may not import src/store'],
    ['src/api/middleware/x.ts', '../../store/signatures-repo.js', 'src/api may not import src/store'],
    ['src/api/x.ts', '../store/db.js', 'src/api may not import src/store'],
    ['src/audio/x.ts', '../config/schema.js', 'src/audio may not import src/config'],
    // sideways: another folder of the same floor
    ['src/text/x.ts', '../audio/types.js', 'src/text may not import src/audio'],
    ['src/config/x.ts', '../captions/types.js', 'src/config may not import src/captions'],
    ['src/lib/x.ts', '../errors.js', 'src/lib may not import src/errors.ts'],
    // the client is an island: other programs import it, so it needs nothing of the server's
    ['src/client/x.ts', '../lib/clock.js', 'src/client is an island'],
    ['src/client/x.ts', '../errors.js', 'src/client is an island'],
    ['src/client/x.ts', 'zod', 'src/client is an island'],
    ['src/services/x.ts', '../client/index.js', 'src/services may not import src/client'],
    ['src/main.ts', './client/index.js', 'src/main.ts may not import src/client'],
    // the browser console and the server import nothing of each other
    ['src/console/x.tsx', '../errors.js', 'src/console is browser code'],
    ['src/console/pages/x.tsx', '../../api/context.js', 'src/console is browser code'],
    ['src/api/x.ts', '../console/api.js', 'the server may not import the browser console'],
    ['src/lib/x.ts', '../console/i18n.js', 'the server may not import the browser console'],
  ])('%s importing %s fails lint', async (file, source, message) => {
    const errors = await floorErrors(file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['src/cli/x.ts', '../main.js'],
    ['src/api/routes/x.ts', '../../services/jobs.js'],
    ['src/api/middleware/x.ts', '../../services/signature.js'],
    ['src/api/routes/x.ts', '../../services/file-store.js'],
    ['src/jobs/x.ts', '../services/usage.js'],
    ['src/services/x.ts', '../engine/contract.js'],
    ['src/services/voices/x.ts', '../../engine/packs/manifest.js'],
    ['src/engine/x.ts', '../captions/types.js'],
    ['src/engine/work/x.ts', '../../text/split.js'],
    ['src/captions/x.ts', '../text/clean.js'],
    ['src/config/x.ts', '../audio/types.js'],
    ['src/engine/neural/x.ts', '../families/index.js'],
    ['src/cli/x.ts', '../client/index.js'],
    ['src/client/x.ts', './types.js'],
    ['src/client/x.ts', 'node:crypto'],
    ['src/console/pages/x.tsx', '../api.js'],
    ['src/api/routes/x.ts', '../console.js'],
  ])('%s may import %s (downwards or its own folder)', async (file, source) => {
    expect(await floorErrors(file, source)).toEqual([]);
  });
});
