import { basename } from 'node:path';
import type { Config } from '../../config/schema.js';
import { checkPackFiles, installedPackDirs } from '../models/packs.js';
import { bad, type CheckResult, ok } from './result.js';

/** Installed model packs: manifest valid, files present with their sizes (`models verify` hashes them). */
export function checkModels(config: Config | undefined): CheckResult {
  const id = 'models';
  const name = 'model packs';
  if (!config)
    return bad(
      id,
      name,
      'warn',
      'not checked: the configuration did not load',
      'fix the configuration first',
    );
  const packs = installedPackDirs(config.engine.models_dir).map(checkPackFiles);
  const broken = packs.filter((p) => !p.ok);
  if (broken.length > 0) {
    return bad(
      id,
      name,
      'fail',
      broken.map((p) => `${basename(p.dir)}: ${p.problems.join('; ')}`).join(' | '),
      'reinstall the pack with `voicereel models install --replace <pack>`, or remove its directory',
    );
  }
  if (packs.length === 0)
    return ok(id, name, `none in ${config.engine.models_dir}; the built-in engine serves every voice`);
  const names = packs.map((p) => `${basename(p.dir)} (${p.manifest!.family})`).join(', ');
  return ok(
    id,
    name,
    `${packs.length} in ${config.engine.models_dir}: ${names}; run \`voicereel models verify\` to check checksums`,
  );
}
