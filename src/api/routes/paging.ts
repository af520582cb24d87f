import { parseInput } from '../../services/schemas/parse.js';
import { PagingQuery } from '../../services/schemas/requests.js';

export function parsePaging(query: Record<string, unknown>): { page: number; pageSize: number } {
  const { page, page_size } = parseInput(PagingQuery, query);
  return { page: page ?? 1, pageSize: page_size ?? 20 };
}
