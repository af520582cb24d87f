/** Corpus cases by rule family: [written, expected spoken]. */
export type Corpus = Record<string, [written: string, spoken: string][]>;
