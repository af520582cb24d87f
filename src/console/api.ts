/** The page's only way to the server: same origin, the session cookie, the CSRF header on writes. */

export interface Me {
  key_id: string;
  project: string;
  admin: boolean;
  csrf_token: string | null;
  expires_at: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrf: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setSession(me: Me | null, signedOut?: () => void): void {
  csrf = me?.csrf_token ?? null;
  if (signedOut) onSignedOut = signedOut;
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as {
      error?: { code: string; message: string; details?: Record<string, unknown> };
    };
    if (body.error) return new ApiError(res.status, body.error.code, body.error.message, body.error.details);
  } catch {
    // Not the API's error shape (a proxy's page): fall through.
  }
  return new ApiError(res.status, 'HTTP_' + res.status, res.statusText || 'Request failed');
}

export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (method !== 'GET' && csrf) headers['X-VR-CSRF'] = csrf;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && path !== '/v1/sessions') onSignedOut();
    throw err;
  }
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** A route another server version may not have: undefined on 404 of the route itself. */
export async function optional<T>(path: string): Promise<T | undefined> {
  try {
    return await api<T>('GET', path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && /route/i.test(e.message)) return undefined;
    throw e;
  }
}

export interface JobView {
  id: string;
  type: string;
  status: string;
  progress: number;
  created_at: string;
  started_at?: string | null;
  finished_at?: string | null;
  error?: { code: string; message: string };
  result?: JobResult;
}

export interface Word {
  text: string;
  start: number;
  end: number;
}
export interface Caption {
  start: number;
  end: number;
  speaker: string;
  speaker_name?: string;
  text: string;
  words?: Word[];
}
export interface JobResult {
  audio_url?: string | null;
  caption_url?: string | null;
  duration?: number;
  format?: string;
  caption_format?: string;
  captions?: Caption[];
  speaker_id?: string;
}

/** Set once the server answered that it has no job events route: poll without asking again. */
let eventsMissing = false;

export const isDone = (j: JobView) => j.status !== 'queued' && j.status !== 'running';

export interface JobEvent {
  type: string;
  text: string;
  job?: JobView;
}

/**
 * Follows a job: Server-Sent Events from GET /v1/jobs/{id}/events when the server has them, else
 * polling GET /v1/jobs/{id}. Calls back with each event; resolves with the terminal job. `stop` ends it.
 */
export function watchJob(
  id: string,
  onEvent: (e: JobEvent) => void,
): { done: Promise<JobView>; stop: () => void } {
  let stopped = false;
  let source: EventSource | undefined;
  const stop = () => {
    stopped = true;
    source?.close();
  };
  const poll = async (): Promise<JobView> => {
    let last = '';
    for (;;) {
      const job = await api<JobView>('GET', `/v1/jobs/${id}`);
      const now = `${job.status} ${Math.round(job.progress * 100)}`;
      if (now !== last) onEvent({ type: job.status === 'running' ? 'progress' : job.status, text: now, job });
      last = now;
      if (isDone(job) || stopped) return job;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const done = (async () => {
    if (eventsMissing || typeof EventSource === 'undefined') return poll();
    return new Promise<JobView>((resolve) => {
      let heard = false;
      source = new EventSource(`/v1/jobs/${id}/events`);
      const handle = (type: string) => (ev: MessageEvent<string>) => {
        heard = true;
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(ev.data) as Record<string, unknown>;
        } catch {
          data = { message: ev.data };
        }
        const job = (data.job ?? (type === 'terminal' ? data : undefined)) as JobView | undefined;
        const text = String(
          data.message ??
            data.status ??
            (data.progress !== undefined ? Math.round(Number(data.progress) * 100) + ' %' : type),
        );
        const progressOnly =
          data.progress !== undefined ? ({ progress: Number(data.progress) } as JobView) : undefined;
        onEvent({ type, text, job: job ?? progressOnly });
        if (type === 'terminal') {
          source?.close();
          void api<JobView>('GET', `/v1/jobs/${id}`).then(resolve, () => resolve(job as JobView));
        }
      };
      for (const t of ['queued', 'started', 'progress', 'log', 'terminal'])
        source.addEventListener(t, handle(t) as EventListener);
      source.onerror = () => {
        // A refused stream (no such route on this server, 404) closes for good; a broken one retries
        // on its own. Closed before any event: the server has no events, so poll from now on.
        if (source?.readyState !== EventSource.CLOSED || stopped) return;
        if (!heard) eventsMissing = true;
        void poll().then(resolve);
      };
    });
  })();
  return { done, stop };
}
