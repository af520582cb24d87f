import type { z } from 'zod';
import type { ErrorCode } from '../../errors.js';

/**
 * One route's entry in GET /v1/openapi.json, declared beside the route from the same zod schemas
 * the route validates with. `path` is in OpenAPI form (`/v1/jobs/{id}`); app.ts refuses to start
 * when a registered route has no entry (see coverage.ts).
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** `key`: any API key or signature; `admin`: an admin key; `none`: public; `presigned`: exp & sig. */
  auth: 'key' | 'admin' | 'none' | 'presigned';
  query?: z.ZodObject;
  /** Path parameters, described; each is a string. */
  params?: Record<string, string>;
  body?: { type: 'application/json' | 'multipart/form-data'; schema: z.ZodType };
  /** Success answers by status; `schema` omitted for an empty body, `type` for another media type. */
  responses: Record<number, { description: string; schema?: z.ZodType; type?: string }>;
  /** Codes the route answers besides the ones every route of its `auth` can (see document.ts). */
  errors: ErrorCode[];
}

export const routeDoc = (doc: RouteDoc): RouteDoc => doc;

/** What a route that creates a job can refuse: its input, its size or type, the quota, a full queue. */
export const JOB_CREATION_ERRORS: ErrorCode[] = [
  'INVALID_INPUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA',
  'QUOTA_EXCEEDED',
  'UNAVAILABLE',
];
