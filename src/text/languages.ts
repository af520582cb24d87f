/** The languages scripts are written in. Pure data, so text helpers, captions and the engine share it. */
export const LANGUAGES = ['ko', 'en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];
