import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import { errors } from '../../errors.js';
import { isWellFormedId } from '../../lib/ids.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { UploadedFile } from '../middleware/body.js';
import { PagingQuery, RegisterSpeakerForm } from '../../services/schemas/requests.js';
import { Speaker, SpeakerCreated, SpeakerPage } from '../../services/schemas/responses.js';
import { JOB_CREATION_ERRORS, routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';
import { parsePaging } from './paging.js';

export const speakerDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/speakers',
    summary: 'Register a speaker (a job)',
    tag: 'speakers',
    auth: 'key',
    description:
      'Refused before it is read when Content-Length is over `[limits] max_upload_mb`. The job measures the speech and checks the transcript.',
    body: { type: 'multipart/form-data', schema: RegisterSpeakerForm },
    errors: JOB_CREATION_ERRORS,
    responses: {
      202: { description: 'Accepted; Location names the registration job.', schema: SpeakerCreated },
    },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/speakers',
    summary: "The project's speakers",
    tag: 'speakers',
    auth: 'key',
    query: PagingQuery,
    errors: ['INVALID_INPUT'],
    responses: { 200: { description: 'One page.', schema: SpeakerPage } },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/speakers/{id}',
    summary: 'One speaker',
    tag: 'speakers',
    auth: 'key',
    params: { id: 'speaker id' },
    errors: ['NOT_FOUND'],
    responses: { 200: { description: 'The speaker.', schema: Speaker } },
  }),
  routeDoc({
    method: 'delete',
    path: '/v1/speakers/{id}',
    summary: 'Delete a speaker and its recording',
    tag: 'speakers',
    auth: 'key',
    params: { id: 'speaker id' },
    errors: ['NOT_FOUND'],
    responses: { 204: { description: 'Deleted.' } },
  }),
];

export function speakerRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const upload = deps.bodies.multipart;

  router.post('/speakers', deps.admitted, ...upload, deps.signed, async (ctx) => {
    const fields = (ctx.request.body ?? {}) as Record<string, unknown>;
    const files = (ctx.request as { files?: Record<string, UploadedFile | UploadedFile[]> }).files ?? {};
    const file = files.reference_audio;
    if (Array.isArray(file)) throw errors.invalidInput('Send exactly one reference_audio file.');
    const audio = file ? new Uint8Array(await readFile(file.filepath)) : undefined;
    const created = await deps.speakers.register(principalOf(ctx.state), {
      name: scalar(fields.name),
      lang: scalar(fields.lang),
      reference_script: scalar(fields.reference_script),
      consent: scalar(fields.consent),
      audio,
      callback_url: scalar(fields.callback_url),
    });
    ctx.status = 202;
    ctx.set('Location', `/v1/jobs/${created.job_id}`);
    ctx.body = created;
  });

  router.get('/speakers', deps.signed, async (ctx) => {
    const { page, pageSize } = parsePaging(ctx.query);
    ctx.body = await deps.speakers.list(principalOf(ctx.state), page, pageSize);
  });

  router.get('/speakers/:id', deps.signed, async (ctx) => {
    ctx.body = await deps.speakers.get(principalOf(ctx.state), checkedId(ctx.params.id));
  });

  router.delete('/speakers/:id', deps.signed, async (ctx) => {
    await deps.speakers.delete(principalOf(ctx.state), checkedId(ctx.params.id));
    ctx.status = 204;
  });

  return router;
}

function checkedId(id: string | undefined): string {
  if (!id || !isWellFormedId(id, 'spk')) throw errors.notFound('Speaker');
  return id;
}

/** Multipart fields repeat as arrays; a repeated field is ambiguous and refused. */
function scalar(v: unknown): unknown {
  if (Array.isArray(v)) throw errors.invalidInput('A form field was sent more than once.');
  return v;
}
