import type { Logger } from 'pino';
import { ConfigError } from '../config/loader.js';
import { type BootstrapOutcome, BootstrapKeyError, type KeyService } from './keys.js';

/**
 * The configured bootstrap key replaces the previous one (revoked, logged by id); none configured
 * keeps the current one; a first start with no admin at all generates one and prints it once.
 */
export async function settleBootstrapKey(
  keys: KeyService,
  configured: string,
  log: Pick<Logger, 'info' | 'warn'>,
  out: Pick<NodeJS.WriteStream, 'write'> = process.stdout,
): Promise<void> {
  let outcome: BootstrapOutcome;
  try {
    outcome = await keys.settleBootstrap(configured);
  } catch (err) {
    if (!(err instanceof BootstrapKeyError)) throw err;
    throw new ConfigError(`the configured bootstrap key (VR_API_KEY or security.api_key) ${err.message}`);
  }
  const { id, registered, revoked, generatedKey } = outcome;
  if (registered) log.info({ key_id: id }, 'bootstrap admin key registered from VR_API_KEY or api_key');
  for (const old of revoked) {
    log.warn(
      { key_id: old, replaced_by: id },
      'previous bootstrap admin key revoked: the configured key replaced it',
    );
  }
  if (generatedKey === undefined) return;
  // Printed once, on stdout beside the logs, the only place it ever appears in clear.
  out.write(
    `\nVoiceReel admin API key (shown once, store it now): ${generatedKey}\n  key id: ${id}, project: default\n\n`,
  );
}
