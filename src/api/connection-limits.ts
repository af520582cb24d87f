import type { Config } from '../config/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from 'pino';
import type { ConnectionLimits } from '../runtime/http-server.js';

/** Server timeouts and connection caps from `[server]`; the request backstop fits the largest upload. */
export function connectionLimits(config: Config): ConnectionLimits {
  const { server, limits } = config;
  const largestBody = (limits.max_upload_mb + 1) * 1024 * 1024;
  const bodySeconds = limits.body_grace_seconds + largestBody / (limits.min_body_kib_per_second * 1024);
  return {
    headersTimeoutMs: server.headers_timeout_seconds * 1000,
    keepAliveTimeoutMs: server.keep_alive_timeout_seconds * 1000,
    requestTimeoutMs: Math.ceil(server.headers_timeout_seconds + bodySeconds + 60) * 1000,
    maxConnections: server.max_connections,
    maxConnectionsPerAddress: server.max_connections_per_ip,
  };
}

/** Refused connections are logged at most once a minute, with how many there were. */
export function refusalLog(log: Logger, clock: Clock): (reason: string) => void {
  const counts = new Map<string, number>();
  let loggedAt = -Infinity;
  return (reason) => {
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
    if (clock.now() - loggedAt < 60_000) return;
    loggedAt = clock.now();
    log.warn({ refused: Object.fromEntries(counts) }, 'connections refused over the configured caps');
    counts.clear();
  };
}
