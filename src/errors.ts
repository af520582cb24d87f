/**
 * The one error catalogue. Every client-facing failure is an ApiError built by a factory below;
 * anything else reaching the error middleware becomes INTERNAL_ERROR and only its request id is shown.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'UNSUPPORTED_MEDIA',
  'INSUFFICIENT_REF',
  'SCRIPT_MISMATCH',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'INTERNAL_ERROR',
  'UNAVAILABLE',
  'CANCELED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status each code is answered with (the OpenAPI document lists them per route). */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  UNSUPPORTED_MEDIA: 415,
  INSUFFICIENT_REF: 422,
  SCRIPT_MISMATCH: 422,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
  CANCELED: 500,
};

export class ApiError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errors = {
  invalidInput: (message: string, details?: Record<string, unknown>) =>
    new ApiError(400, 'INVALID_INPUT', message, details),
  unauthorized: (message = 'A valid API key is required.') => new ApiError(401, 'UNAUTHORIZED', message),
  forbidden: (message = 'This route needs an admin key.') => new ApiError(403, 'FORBIDDEN', message),
  notFound: (what = 'Resource') => new ApiError(404, 'NOT_FOUND', `${what} not found.`),
  methodNotAllowed: (allowed: string[]) =>
    new ApiError(
      405,
      'METHOD_NOT_ALLOWED',
      'Method not allowed on this route.',
      { allowed },
      {
        Allow: allowed.join(', '),
      },
    ),
  payloadTooLarge: (limitBytes?: number) =>
    limitBytes === undefined
      ? new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.')
      : new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`, {
          limit_bytes: limitBytes,
        }),
  headersTooLarge: () =>
    new ApiError(431, 'HEADERS_TOO_LARGE', 'The request headers are too large (16 KB in all at most).'),
  requestTimeout: (message = 'The request was not received in time; send it again.') =>
    new ApiError(408, 'REQUEST_TIMEOUT', message),
  unsupportedMedia: (message: string) => new ApiError(415, 'UNSUPPORTED_MEDIA', message),
  insufficientRef: (speechSeconds: number, requiredSeconds: number) =>
    new ApiError(
      422,
      'INSUFFICIENT_REF',
      `The reference has ${speechSeconds.toFixed(1)} s of speech; at least ${requiredSeconds} s are required.`,
      { speech_seconds: round1(speechSeconds), required_seconds: requiredSeconds },
    ),
  scriptMismatch: (message: string) => new ApiError(422, 'SCRIPT_MISMATCH', message),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(
      429,
      'RATE_LIMITED',
      'Too many requests for this key.',
      undefined,
      retryAfter(retryAfterSeconds),
    ),
  /** A project's share of something (`details.limit` names it) is in use: its own limit, not the server's. */
  shareInUse: (message: string, retryAfterSeconds: number, details: Record<string, unknown>) =>
    new ApiError(429, 'RATE_LIMITED', message, details, retryAfter(retryAfterSeconds)),
  /** A key or project holds as many queued and running jobs as it may; `limit` names which. */
  activeJobsLimit: (scope: 'key' | 'project', max: number, retryAfterSeconds: number) =>
    new ApiError(
      429,
      'RATE_LIMITED',
      `This ${scope} already has ${max} jobs queued or running, the most it may have; retry when one of them finishes.`,
      { limit: `active_jobs_per_${scope}`, max },
      retryAfter(retryAfterSeconds),
    ),
  quotaExceeded: (retryAfterSeconds: number, message = 'The monthly quota of this key is used up.') =>
    new ApiError(429, 'QUOTA_EXCEEDED', message, undefined, retryAfter(retryAfterSeconds)),
  unavailable: (message: string, retryAfterSeconds = 5, details?: Record<string, unknown>) =>
    new ApiError(503, 'UNAVAILABLE', message, details, retryAfter(retryAfterSeconds)),
  /** The Idempotency-Key was used with another body, or its first request has not been answered yet. */
  idempotencyConflict: (message: string, retryAfterSeconds?: number) =>
    new ApiError(
      409,
      'IDEMPOTENCY_CONFLICT',
      message,
      undefined,
      retryAfterSeconds === undefined ? {} : retryAfter(retryAfterSeconds),
    ),
  internal: () => new ApiError(500, 'INTERNAL_ERROR', 'Internal error.'),
  storageFull: () => new ApiError(503, 'UNAVAILABLE', STORAGE_FULL, undefined, retryAfter(60)),
  databaseUnavailable: () =>
    new ApiError(
      503,
      'UNAVAILABLE',
      'The database is unavailable; try again shortly.',
      undefined,
      retryAfter(5),
    ),
};

const STORAGE_FULL = 'The server has run out of disk space; try again once an operator has freed some.';

/** A full disk (or quota), from the file system or SQLite: the server's condition, never the client's fault. */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** Connection-level failures of a database server (PostgreSQL down, restarting or unreachable). */
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);

/** The database cannot be reached right now: the server's condition (503), never the client's fault. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (DATABASE_DOWN_CODES.has(code) || code.startsWith('08')) return true;
  // node-postgres says these in words only: a dropped connection and a pool that could not connect.
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect/.test(message);
}

/** A failure recorded on a job row: the same codes, no HTTP. */
export interface JobError {
  code: ErrorCode;
  message: string;
}

/** Errors raised inside jobs that carry a client-safe code; anything else is recorded as INTERNAL_ERROR. */
export class JobFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

/** A job that could not store its work because the disk is full says so (and nothing more). */
export function storageFullFailure(): JobFailure {
  return new JobFailure('UNAVAILABLE', STORAGE_FULL);
}

function retryAfter(seconds: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
