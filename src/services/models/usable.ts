import type { PackRef } from '../../engine/packs/manifest.js';
import { listPacks } from './packs.js';

/**
 * The packs the server loads: every installed pack that verifies (sha256 of every file, so a pack
 * altered after installation is not run), the newest version when a name is installed twice. A pack
 * that fails is logged with its problems and left out; `voicereel models verify` says the same.
 */
export async function usablePacks(
  modelsDir: string,
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void },
): Promise<PackRef[]> {
  const byName = new Map<string, PackRef>();
  for (const status of await listPacks(modelsDir, true)) {
    if (!status.ok || !status.manifest) {
      log.error({ pack: status.dir, problems: status.problems }, 'model pack refused: it does not verify');
      continue;
    }
    const m = status.manifest;
    const seen = byName.get(m.name);
    if (seen && compareVersions(seen.manifest.version, m.version) >= 0) continue;
    byName.set(m.name, { dir: status.dir, manifest: m });
  }
  const packs = [...byName.values()];
  if (packs.length > 0)
    log.info({ packs: packs.map((p) => `${p.manifest.name}@${p.manifest.version}`) }, 'model packs verified');
  return packs;
}

/** Dotted versions compared numerically where they are numbers (1.10 > 1.9). */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
