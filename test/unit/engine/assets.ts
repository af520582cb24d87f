import { resolveAppPaths } from '../../../src/runtime/paths.js';

/** The eSpeak data file and kuromoji dictionary as the app resolves them when run from source. */
export function enginePaths(): { espeakData: string; kuromojiDict: string } {
  const { espeakData, kuromojiDict } = resolveAppPaths({});
  return { espeakData, kuromojiDict };
}
