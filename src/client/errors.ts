import type { ApiErrorBody } from './types.js';

/**
 * Every failure the client reports: the server's one error shape (`{ error: { code, message,
 * details }, request_id }`), or, for a network failure or an answer without that shape, a code of
 * the client's own (`NETWORK_ERROR`, `INVALID_RESPONSE`, `TIMEOUT`) with status 0 or the HTTP status.
 */
export class VoiceReelError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined = undefined,
    readonly requestId: string | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VoiceReelError';
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as ApiErrorBody | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

/** Turns a non-2xx response into a VoiceReelError (reads its body). */
export async function errorFromResponse(res: Response): Promise<VoiceReelError> {
  const headerId = res.headers.get('x-request-id') ?? undefined;
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new VoiceReelError(res.status, code, message, details, body.request_id ?? headerId);
  }
  return new VoiceReelError(
    res.status,
    'INVALID_RESPONSE',
    `HTTP ${res.status} without an error body`,
    undefined,
    headerId,
  );
}
