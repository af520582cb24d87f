import type { z } from 'zod';
import { errors } from '../../errors.js';

/**
 * Validates input with the schema the OpenAPI document is generated from, so a route cannot accept
 * what its document does not say. The first issue becomes INVALID_INPUT naming its field.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // script[0].text, as the hand-written checks name fields.
  const field = (issue?.path ?? [])
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('');
  const message = issue?.message ?? 'Invalid input.';
  const named = !field || message.startsWith(String(issue?.path.at(-1)));
  throw errors.invalidInput(named ? message : `${field}: ${message}`, field ? { field } : undefined);
}
