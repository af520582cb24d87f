import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { SessionService } from '../services/sessions.js';
import type { SignedRequests } from '../services/signature.js';
import type { SystemReport } from '../services/system.js';
import type { RateLimiter } from '../services/rate-limit.js';
import type { UsageMeter } from '../services/usage.js';
import { consoleHeaders, consoleRoutes } from './console.js';
import type { AppState } from './context.js';
import type { InFlightRequests } from './in-flight.js';
import { admitBeforeBody } from './middleware/admission.js';
import { createAuth } from './middleware/auth.js';
import { jsonBody, multipartBody } from './middleware/body.js';
import { bodyDeadline } from './middleware/body-deadline.js';
import { errorHandler } from './middleware/errors.js';
import { requireHost } from './middleware/host.js';
import { idempotency } from './middleware/idempotency.js';
import { requestContext } from './middleware/request-context.js';
import { documentDrift } from './openapi/coverage.js';
import { buildOpenApi } from './openapi/document.js';
import type { RouteDoc } from './openapi/route-doc.js';
import type { RouteDeps } from './routes/deps.js';
import { fileDocs, fileRoutes } from './routes/files.js';
import { healthDocs, healthRoutes } from './routes/health.js';
import { jobEventDocs, jobEventRoutes } from './routes/job-events.js';
import { jobDocs, jobRoutes } from './routes/jobs.js';
import { keyDocs, keyRoutes } from './routes/keys.js';
import { lexiconDocs, lexiconRoutes } from './routes/lexicons.js';
import { metricsDocs, metricsRoutes } from './routes/metrics.js';
import { openapiDocs, openapiRoutes } from './routes/openapi.js';
import { sessionDocs, sessionRoutes, sessionSignInRoutes } from './routes/sessions.js';
import { speakerDocs, speakerRoutes } from './routes/speakers.js';
import { speechDocs, speechRoutes } from './routes/speech.js';
import { synthesizeDocs, synthesizeRoutes } from './routes/synthesize.js';
import { systemDocs, systemRoutes } from './routes/system.js';
import { textDocs, textRoutes } from './routes/text.js';
import { usageDocs, usageRoutes } from './routes/usage.js';
import { voiceDocs, voiceRoutes } from './routes/voices.js';
import { webhookDocs, webhookRoutes } from './routes/webhooks.js';

/** Every route's OpenAPI entry: a new router adds its docs here beside its mount below. */
const ROUTE_DOCS: RouteDoc[] = [
  ...healthDocs,
  ...openapiDocs,
  ...fileDocs,
  ...speakerDocs,
  ...synthesizeDocs,
  ...speechDocs,
  ...jobDocs,
  ...jobEventDocs,
  ...usageDocs,
  ...keyDocs,
  ...voiceDocs,
  ...webhookDocs,
  ...textDocs,
  ...lexiconDocs,
];

export type AppDeps = Omit<RouteDeps, 'signed' | 'admitted' | 'bodies'> & {
  log: Logger;
  usage: UsageMeter;
  /** Spends a request of a proven caller's per-key budget (services/rate-limit.ts). */
  rateLimiter: RateLimiter;
  /** Accepts each request signature once (replay protection). */
  signedRequests: SignedRequests;
  uploadTmpDir: string;
  /** When given: HTTP metrics middleware and GET /metrics. */
  metrics?: Metrics;
  /** When given: requests are tracked so a graceful stop can let them finish. */
  inFlight?: InFlightRequests;
  /** The console: its built files and the sign-in sessions; absent when `[console] enabled` is false. */
  console?: { dir: string; sessions: SessionService };
  /** What GET /v1/admin/system reports. */
  system?: () => Promise<SystemReport>;
};

/** Builds the Koa app; listening is the caller's business (main.ts, or a test). */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.proxy = false;
  // Errors are rendered by errorHandler; Koa's own handler would only log them again.
  app.silent = true;

  const { config } = deps;
  const auth = createAuth({
    keys: deps.keys,
    signatures: deps.signedRequests,
    usage: deps.usage,
    clock: deps.clock,
    requireSignature: config.security.require_signature,
    windowSeconds: config.security.signature_window_seconds,
    rateLimit: (keyId) => deps.rateLimiter.take(keyId),
    sessions: deps.console?.sessions,
  });
  const idempotent = idempotency(deps.idempotency);
  const routeDeps: RouteDeps = {
    ...deps,
    // Every route mounts `signed` last, after its body parser: the Idempotency-Key check needs both.
    signed: (ctx, next) => auth.verified(ctx, () => idempotent(ctx, next)),
    admitted: admitBeforeBody(deps.admission),
    bodies: {
      json: jsonBody(config.limits.max_json_kb * 1024),
      multipart: multipartBody(Math.round(config.limits.max_upload_mb * 1024 * 1024), deps.uploadTmpDir),
    },
  };

  const open = new Router<AppState>();
  for (const r of [healthRoutes(routeDeps)]) open.use(r.routes(), r.allowedMethods());
  if (deps.metrics) open.use(metricsRoutes(deps.metrics.registry).routes());
  const docs = [
    ...ROUTE_DOCS,
    ...(deps.metrics ? metricsDocs : []),
    ...(deps.console ? sessionDocs : []),
    ...(deps.system ? systemDocs : []),
  ];
  const files = new Router<AppState>({ prefix: '/v1' });
  files.use(fileRoutes(routeDeps).routes());
  // The console's page and files are not API: outside the OpenAPI document.
  const consolePages = new Router<AppState>();
  const signIn = new Router<AppState>({ prefix: '/v1' });
  if (deps.console) {
    signIn.use(consoleHeaders());
    signIn.use(sessionSignInRoutes(routeDeps, deps.console.sessions).routes());
    consolePages.use(consoleRoutes(deps.console.dir).routes());
  }

  const api = new Router<AppState>({ prefix: '/v1' });
  api.use(auth.authenticate);
  if (deps.console) api.use(sessionRoutes(deps.console.sessions).routes());
  if (deps.system) api.use(systemRoutes(routeDeps, deps.system).routes());
  for (const r of [
    speakerRoutes(routeDeps),
    synthesizeRoutes(routeDeps),
    speechRoutes(routeDeps),
    jobRoutes(routeDeps),
    jobEventRoutes(routeDeps),
    usageRoutes(routeDeps),
    keyRoutes(routeDeps),
    voiceRoutes(routeDeps),
    webhookRoutes(routeDeps),
    textRoutes(routeDeps),
    lexiconRoutes(routeDeps),
  ]) {
    api.use(r.routes());
  }

  // The document is the app's contract: a route without an entry (or an entry without a route) is a
  // programming error caught at the first start of any test, not a silent gap in the document.
  const document = buildOpenApi(docs);
  open.use(openapiRoutes(document).routes());
  const drift = documentDrift([open, files, signIn, api], docs);
  if (drift.undocumented.length || drift.unserved.length) {
    throw new Error(
      `OpenAPI drift: undocumented ${drift.undocumented.join('; ') || '-'}, unserved ${drift.unserved.join('; ') || '-'}`,
    );
  }

  app.use(requestContext(deps.log));
  app.use(
    bodyDeadline(
      {
        minBytesPerSecond: config.limits.min_body_kib_per_second * 1024,
        graceMs: config.limits.body_grace_seconds * 1000,
      },
      deps.clock,
    ),
  );
  if (deps.metrics) app.use(deps.metrics.httpMiddleware());
  app.use(errorHandler());
  app.use(requireHost());
  if (deps.inFlight) app.use(deps.inFlight.middleware());
  app.use(open.routes()).use(open.allowedMethods());
  app.use(files.routes()).use(files.allowedMethods());
  app.use(consolePages.routes()).use(consolePages.allowedMethods());
  app.use(signIn.routes()).use(signIn.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
