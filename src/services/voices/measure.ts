import type { VoiceProfile } from '../../audio/types.js';
import type { Clock } from '../../lib/clock.js';
import type { AudioBackend } from '../../engine/contract.js';
import type { VoiceCatalog } from './catalog.js';

export interface PresetProfileStore {
  forModel(modelSha256: string): Promise<Map<string, VoiceProfile>>;
  put(modelSha256: string, voiceId: string, profile: VoiceProfile, now: number): Promise<void>;
}

/**
 * Gives every preset voice its measured profile: from the cache (keyed by model checksum), else by
 * speaking the calibration passage in it on the synthesis pool, once, and caching the result.
 * Runs at start-up before the server says ready, so speakers are never matched on half a list.
 */
export async function measurePresets(
  catalog: VoiceCatalog,
  backend: Pick<AudioBackend, 'profileVoice'>,
  cache: PresetProfileStore,
  clock: Clock,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
): Promise<number> {
  const todo = catalog.unmeasured();
  const byModel = new Map<string, Promise<Map<string, VoiceProfile>>>();
  let measured = 0;
  await Promise.all(
    todo.map(async (p) => {
      let cached = byModel.get(p.modelSha256);
      if (!cached) byModel.set(p.modelSha256, (cached = cache.forModel(p.modelSha256)));
      const known = (await cached).get(p.voiceId);
      if (known) return catalog.setProfile(p.id, known);
      let profile: VoiceProfile;
      try {
        profile = await backend.profileVoice({ voice: p.spec, lang: p.lang });
      } catch (err) {
        // One voice that cannot speak the passage leaves it out of speaker matching, nothing more:
        // it can still be named by script lines, where its error surfaces in the job.
        log.error(
          { err, voice: p.id },
          'preset voice could not be measured; not offered to registered speakers',
        );
        return;
      }
      await cache.put(p.modelSha256, p.voiceId, profile, clock.now());
      catalog.setProfile(p.id, profile);
      measured++;
    }),
  );
  if (measured > 0) log.info({ measured, presets: todo.length }, 'preset voices measured');
  return measured;
}
