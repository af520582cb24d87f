import type { Config } from '../../config/schema.js';
import { bad, type CheckResult, ok } from './result.js';

/** The config check's result from what loading it gave: the config, or the error that stopped it. */
export function checkConfig(file: string | undefined, loaded: Config | Error): CheckResult {
  const name = 'configuration';
  if (loaded instanceof Error) {
    return bad(
      'config',
      name,
      'fail',
      loaded.message,
      'fix the key named above (voicereel.example.toml documents every key)',
    );
  }
  return ok(
    'config',
    name,
    file ? `${file} is valid` : 'no config file: defaults, VR_* environment and flags',
  );
}
