import { ERROR_CODES } from '../../src/errors.js';
import type { RawOutcome } from './raw-http.js';

/**
 * What an answer may be: never a 5xx, and every 4xx in the SPEC's one shape
 * `{ error: { code, message, details? }, request_id }` with a code from the catalogue and a message
 * that shows no internals (paths, stack frames, SQL, library names).
 */
export type Problem =
  'server_error' | 'bad_error_shape' | 'unknown_error_code' | 'leaked_internals' | 'no_answer' | 'hung';

const CODES = new Set<string>(ERROR_CODES);
const LEAKS = [
  /\bat \S+ \(/,
  /\/(work|home|root|usr|tmp|var)\//,
  /node_modules/,
  /\bSQLITE_/i,
  /\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/,
  /\bE[A-Z]{3,}\b:/,
  /formidable|koa|co-body|raw-body/i,
];

export interface Verdict {
  problems: Problem[];
  status?: number;
  code?: string;
}

/**
 * `answerExpected`: the request was complete, so silence is a failure. Requests the client cut
 * short, or held back, may go unanswered.
 */
export function judge(outcome: RawOutcome, method: string, answerExpected: boolean): Verdict {
  if (outcome.kind === 'timeout') return { problems: answerExpected ? ['hung'] : [] };
  if (outcome.kind === 'closed') return { problems: answerExpected ? ['no_answer'] : [] };
  const { status, headers, body } = outcome.response;
  const problems: Problem[] = [];
  if (status >= 500) problems.push('server_error');
  if (status < 400 || method === 'HEAD') return { problems, status };
  const shape = errorShape(headers['content-type'], body);
  if (!shape.ok) return { problems: [...problems, 'bad_error_shape'], status };
  if (!CODES.has(shape.code)) problems.push('unknown_error_code');
  if (LEAKS.some((re) => re.test(shape.message))) problems.push('leaked_internals');
  return { problems, status, code: shape.code };
}

type Shape = { ok: true; code: string; message: string } | { ok: false };

export function errorShape(contentType: string | undefined, body: Buffer): Shape {
  if (!contentType?.startsWith('application/json')) return { ok: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false };
  }
  if (!isObject(parsed) || !sameKeys(parsed, ['error', 'request_id'], [])) return { ok: false };
  const { error, request_id } = parsed;
  if (typeof request_id !== 'string' || request_id === '') return { ok: false };
  if (!isObject(error) || !sameKeys(error, ['code', 'message'], ['details'])) return { ok: false };
  if (typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '')
    return { ok: false };
  if (error.details !== undefined && !isObject(error.details)) return { ok: false };
  return { ok: true, code: error.code, message: error.message };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameKeys(o: Record<string, unknown>, required: string[], optional: string[]): boolean {
  const keys = Object.keys(o);
  return (
    required.every((k) => keys.includes(k)) && keys.every((k) => required.includes(k) || optional.includes(k))
  );
}
