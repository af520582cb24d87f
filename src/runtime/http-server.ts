import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsFiles } from './tls.js';

export type HttpServer = Server | HttpsServer;

export interface ConnectionLimits {
  /** The whole header block must arrive within this (a trickle of headers is cut off with 408). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Backstop for a whole request; bodies are held to a rate by the app (body-deadline.ts). */
  requestTimeoutMs: number;
  maxConnections: number;
  /** 0: no cap per client address. */
  maxConnectionsPerAddress: number;
}

/**
 * Plain HTTP, or HTTPS accepting TLS 1.3 only when `[tls]` is configured, with timeouts for clients
 * that send slowly and caps on open connections. A connection over a cap is closed as soon as it is
 * accepted (before any TLS handshake or parsing), the cheapest refusal there is.
 */
export function createHttpServer(
  handler: RequestListener,
  limits: ConnectionLimits,
  onRefused: (reason: 'max_connections' | 'max_connections_per_ip') => void,
  tls?: TlsFiles,
): Server | HttpsServer {
  const options = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above this often (its default, 30 s, would let them overrun).
    // A missing Host is refused by the app (api/middleware/host.ts), in the one error shape.
    requireHostHeader: false,
    connectionsCheckingInterval: Math.min(1000, Math.max(100, limits.headersTimeoutMs / 2)),
  };
  const server: Server | HttpsServer = tls
    ? createHttpsServer({ ...options, ...tls, minVersion: 'TLSv1.3' }, handler)
    : createServer(options, handler);
  // Expect: 100-continue goes to the app too; the body middleware sends the 100 only once the
  // declared size is accepted, so an oversized upload is refused before it is sent.
  server.on('checkContinue', handler);
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => onRefused('max_connections'));
  if (limits.maxConnectionsPerAddress > 0) {
    capPerAddress(server, limits.maxConnectionsPerAddress, () => onRefused('max_connections_per_ip'));
  }
  return server;
}

function capPerAddress(server: Server | HttpsServer, cap: number, onRefused: () => void): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const count = (open.get(address) ?? 0) + 1;
    if (count > cap) {
      socket.destroy();
      onRefused();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/** Binds the server; answers the URL it serves (port 0 picks a port; IPv6 hosts in brackets). */
export function listen(server: HttpServer, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const scheme = server instanceof HttpsServer ? 'https' : 'http';
      resolve(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}`);
    });
  });
}
