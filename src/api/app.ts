import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { SessionService } from '../services/sessions.js';
import type { UsageMeter } from '../services/usage.js';
import { consoleHeaders, consoleRoutes } from './console.js';
import type { AppState } from './context.js';
import { admitBeforeBody } from './middleware/admission.js';
import { createAuth } from './middleware/auth.js';
import { jsonBody, multipartBody } from './middleware/body.js';
import { bodyDeadline } from './middleware/body-deadline.js';
import { errorHandler } from './middleware/errors.js';
import { keyRateLimiter } from './middleware/rate-limit.js';
import { requestContext } from './middleware/request-context.js';
import type { RouteDeps } from './routes/deps.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { sessionRoutes, sessionSignInRoutes } from './routes/sessions.js';
import { systemRoutes } from './routes/system.js';
import type { SystemReport } from '../services/system.js';
import { speakerRoutes } from './routes/speakers.js';
import { synthesizeRoutes } from './routes/synthesize.js';
import { usageRoutes } from './routes/usage.js';
import { voiceRoutes } from './routes/voices.js';

export type AppDeps = Omit<RouteDeps, 'signed' | 'admitted' | 'bodies'> & {
  log: Logger;
  usage: UsageMeter;
  uploadTmpDir: string;
  /** When given: HTTP metrics middleware and GET /metrics. */
  metrics?: Metrics;
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
    signatures: deps.store.signatures,
    usage: deps.usage,
    clock: deps.clock,
    requireSignature: config.security.require_signature,
    windowSeconds: config.security.signature_window_seconds,
    rateLimit: keyRateLimiter(config.limits.rate_limit_per_minute, deps.clock),
    sessions: deps.console?.sessions,
  });
  const routeDeps: RouteDeps = {
    ...deps,
    signed: auth.verified,
    admitted: admitBeforeBody(deps.admission),
    bodies: {
      json: jsonBody(config.limits.max_json_kb * 1024),
      multipart: multipartBody(Math.round(config.limits.max_upload_mb * 1024 * 1024), deps.uploadTmpDir),
    },
  };

  const open = new Router<AppState>();
  for (const r of [healthRoutes(routeDeps)]) open.use(r.routes(), r.allowedMethods());
  if (deps.metrics) open.use(metricsRoutes(deps.metrics.registry).routes());
  const files = new Router<AppState>({ prefix: '/v1' });
  files.use(fileRoutes(routeDeps).routes());
  const signIn = new Router<AppState>({ prefix: '/v1' });
  if (deps.console) {
    signIn.use(consoleHeaders());
    signIn.use(sessionSignInRoutes(routeDeps, deps.console.sessions).routes());
    open.use(consoleRoutes(deps.console.dir).routes());
  }

  const api = new Router<AppState>({ prefix: '/v1' });
  api.use(auth.authenticate);
  if (deps.console) {
    const sessions = sessionRoutes(deps.console.sessions);
    api.use(sessions.routes());
  }
  if (deps.system) api.use(systemRoutes(routeDeps, deps.system).routes());
  for (const r of [
    speakerRoutes(routeDeps),
    synthesizeRoutes(routeDeps),
    jobRoutes(routeDeps),
    usageRoutes(routeDeps, () => deps.usage.flush()),
    keyRoutes(routeDeps),
    voiceRoutes(routeDeps),
  ]) {
    api.use(r.routes());
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
  app.use(open.routes()).use(open.allowedMethods());
  app.use(files.routes()).use(files.allowedMethods());
  app.use(signIn.routes()).use(signIn.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
