import type { DevicePlan } from '../engine/backend.js';
import { checkDataDir } from './doctor/data-dir.js';
import { checkDisk } from './doctor/disk.js';
import type { CheckResult } from './doctor/result.js';
import { listPacks } from './models/packs.js';
import type { VoiceCatalog } from './voices/catalog.js';

export interface SystemDeps {
  version: string;
  devices: readonly DevicePlan[];
  modelsDir: string;
  dataDir: string;
  catalog: VoiceCatalog;
}

export interface SystemReport {
  version: string;
  devices: Array<{ kind: string; threads: number }>;
  packs: Array<{
    name: string;
    version: string;
    family: string;
    license: string;
    verified: boolean;
    voices: string[];
    problems: string[];
  }>;
  voices: Array<{ id: string; name: string; lang: string; engine: string }>;
  checks: Array<{ name: string; status: string; detail: string }>;
}

/**
 * What the console's System page shows an operator: version, devices, installed model packs (checked
 * by manifest and file sizes; `voicereel models verify` hashes them fully) with their voices, and the
 * doctor's checks that are cheap enough to run on a page load.
 */
export async function systemReport(d: SystemDeps): Promise<SystemReport> {
  const packs = await listPacks(d.modelsDir, false);
  const checks: CheckResult[] = [checkDataDir(d.dataDir), checkDisk(d.dataDir)];
  return {
    version: d.version,
    devices: d.devices.map((p) => ({ kind: p.device, threads: p.workers })),
    packs: packs.map((p) => ({
      name: p.manifest?.name ?? p.dir,
      version: p.manifest?.version ?? '',
      family: p.manifest?.family ?? '',
      license: p.manifest?.license ?? '',
      verified: p.ok,
      voices: (p.manifest?.voices ?? []).map((v) => v.name ?? v.id),
      problems: p.problems,
    })),
    voices: d.catalog.list().map((v) => ({ id: v.id, name: v.name, lang: v.lang, engine: v.engine })),
    checks: checks.map((c) => ({
      name: c.name,
      status: c.status,
      detail: c.hint ? `${c.message} ${c.hint}` : c.message,
    })),
  };
}
