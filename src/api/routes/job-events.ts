import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { errors } from '../../errors.js';
import type { StreamedEvent } from '../../services/job-events.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';
import { routeDoc } from '../openapi/route-doc.js';

export const jobEventDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/jobs/{id}/events',
    summary: 'Live events of one job (Server-Sent Events)',
    tag: 'jobs',
    auth: 'key',
    params: { id: 'job id' },
    description:
      'Events `queued`, `started`, `progress` ({ progress, line, lines }), `log` ({ level, message }) and one terminal `succeeded`/`failed`/`canceled` whose data is the job as GET /v1/jobs/{id} answers it; `id:` on every event, `Last-Event-ID` resumes; 204 after the terminal event.',
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
    responses: {
      200: { description: 'The event stream.', type: 'text/event-stream' },
      204: { description: 'The job already ended and its terminal event was delivered.' },
    },
  }),
];

/** How long a disconnected EventSource waits before reconnecting (it then sends Last-Event-ID). */
const RETRY_MS = 2000;

/** GET /v1/jobs/{id}/events: the job's events as Server-Sent Events, resumable with Last-Event-ID. */
export function jobEventRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/jobs/:id/events', deps.signed, async (ctx) => {
    const jobId = ctx.params.id ?? '';
    const after = lastEventId(ctx.get('Last-Event-ID'));
    // 204 tells an EventSource the stream is over for good: the client saw the terminal event.
    if ((await deps.events.check(principalOf(ctx.state), jobId, after)).done) {
      ctx.status = 204;
      return;
    }
    const stream = new PassThrough();
    ctx.status = 200;
    ctx.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx would otherwise buffer the stream and deliver events in lumps.
      'X-Accel-Buffering': 'no',
    });
    ctx.req.socket.setNoDelay(true);
    ctx.body = stream;
    stream.write(`retry: ${RETRY_MS}\n\n`);
    const stop = deps.events.follow(jobId, after, {
      send: (e) => stream.write(frame(e)),
      comment: (text) => stream.write(`: ${text}\n\n`),
      end: () => stream.end(),
    });
    // The response closes when the stream ends or the client goes away: either way, let go.
    ctx.res.once('close', stop);
  });

  return router;
}

function frame(e: StreamedEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

function lastEventId(raw: string): number {
  if (raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw errors.invalidInput('Last-Event-ID must be the id of an event this stream sent.', {
      field: 'Last-Event-ID',
    });
  }
  return Number(raw.trim());
}
