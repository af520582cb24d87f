import type { Rule } from '../types.js';
export const EN_RULES: readonly Rule[] = [];
