import { errors } from '../../errors.js';

export function parsePaging(query: Record<string, unknown>): { page: number; pageSize: number } {
  const page = intParam(query.page, 'page', 1, 1, 1_000_000);
  const pageSize = intParam(query.page_size, 'page_size', 20, 1, 100);
  return { page, pageSize };
}

function intParam(v: unknown, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw errors.invalidInput(`${name} must be an integer from ${min} to ${max}.`, { field: name });
  }
  return Number(v);
}
