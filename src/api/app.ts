import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { UsageMeter } from '../services/usage.js';
import type { AppState } from './context.js';
import type { InFlightRequests } from './in-flight.js';
import { authenticate, type AuthDeps, verifySignature } from './middleware/auth.js';
import { jsonBody, multipartBody } from './middleware/body.js';
import { errorHandler } from './middleware/errors.js';
import { requireHost } from './middleware/host.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestContext } from './middleware/request-context.js';
import type { RouteDeps } from './routes/deps.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { speakerRoutes } from './routes/speakers.js';
import { synthesizeRoutes } from './routes/synthesize.js';
import { usageRoutes } from './routes/usage.js';
import { voiceRoutes } from './routes/voices.js';

export type AppDeps = Omit<RouteDeps, 'signed' | 'bodies'> & {
  log: Logger;
  usage: UsageMeter;
  uploadTmpDir: string;
  /** When given: HTTP metrics middleware and GET /metrics. */
  metrics?: Metrics;
  /** When given: requests are tracked so a graceful stop can let them finish. */
  inFlight?: InFlightRequests;
};

/** Builds the Koa app; listening is the caller's business (main.ts, or a test). */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.proxy = false;
  // Errors are rendered by errorHandler; Koa's own handler would only log them again.
  app.silent = true;

  const { config } = deps;
  const routeDeps: RouteDeps = {
    ...deps,
    signed: verifySignature({ signatures: deps.store.signatures }),
    bodies: {
      json: jsonBody(config.limits.max_json_kb * 1024),
      multipart: multipartBody(Math.round(config.limits.max_upload_mb * 1024 * 1024), deps.uploadTmpDir),
    },
  };
  const authDeps: AuthDeps = {
    keys: deps.keys,
    signatures: deps.store.signatures,
    usage: deps.usage,
    clock: deps.clock,
    requireSignature: config.security.require_signature,
    windowSeconds: config.security.signature_window_seconds,
  };

  const open = new Router<AppState>();
  for (const r of [healthRoutes(routeDeps)]) open.use(r.routes(), r.allowedMethods());
  if (deps.metrics) open.use(metricsRoutes(deps.metrics.registry).routes());
  const files = new Router<AppState>({ prefix: '/v1' });
  files.use(fileRoutes(routeDeps).routes());

  const api = new Router<AppState>({ prefix: '/v1' });
  api.use(authenticate(authDeps), rateLimit(config.limits.rate_limit_per_minute, deps.clock));
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
  if (deps.metrics) app.use(deps.metrics.httpMiddleware());
  app.use(errorHandler());
  app.use(requireHost());
  if (deps.inFlight) app.use(deps.inFlight.middleware());
  app.use(open.routes()).use(open.allowedMethods());
  app.use(files.routes()).use(files.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
