import type { Rule } from '../types.js';
export const JA_RULES: readonly Rule[] = [];
