// Typed access to webvtt-parser (W3C's reference parser/validator), which ships no types.
import { createRequire } from 'node:module';

export interface VttNode {
  type: 'text' | 'object' | 'timestamp';
  name?: string;
  value?: string | number;
  classes?: string[];
  children?: VttNode[];
}

export interface VttCue {
  id: string;
  startTime: number;
  endTime: number;
  text: string;
  tree: { children: VttNode[] };
}

export interface VttParseResult {
  cues: VttCue[];
  errors: Array<{ message: string; line: number; col?: number }>;
}

interface VttParser {
  parse(input: string, mode?: string): VttParseResult;
}

const require = createRequire(import.meta.url);
const { WebVTTParser } = require('webvtt-parser') as {
  WebVTTParser: new (entities?: Record<string, string>) => VttParser;
};
// The parser's built-in entity table has no ';'-terminated keys, so it decodes "&gt;" as ">;".
// Its README says to pass the full HTML table for spec-compliant decoding, which fixes that.
const entities = require('webvtt-parser/html-entities.json') as Record<string, string>;

/**
 * Parse in 'metadata' mode (the file structure) and in the default mode too: metadata mode
 * silently accepts broken cue text (bad tags, bad escapes), the default mode reports it.
 */
export function parseVtt(text: string): { cues: VttCue[]; errors: VttParseResult['errors'] } {
  const metadata = new WebVTTParser(entities).parse(text, 'metadata');
  const strict = new WebVTTParser(entities).parse(text);
  return { cues: strict.cues, errors: [...metadata.errors, ...strict.errors] };
}

/** The visible text of a cue tree (character references already decoded by the parser). */
export function nodeText(nodes: readonly VttNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? String(n.value) : nodeText(n.children ?? []))).join('');
}
