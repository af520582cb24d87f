import { createServer, type RequestListener, Server } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { TlsFiles } from '../runtime/tls.js';

export type HttpServer = Server | HttpsServer;

/** Plain HTTP, or HTTPS accepting TLS 1.3 only when `[tls]` is configured. */
export function createHttpServer(handler: RequestListener, tls?: TlsFiles): HttpServer {
  // Uploads of 30 MB over slow links need longer than Node's default request timeout.
  const options = { requestTimeout: 10 * 60_000 };
  const server: HttpServer = tls
    ? createHttpsServer({ ...options, ...tls, minVersion: 'TLSv1.3' }, handler)
    : createServer(options, handler);
  // Expect: 100-continue goes to the app too; the body middleware sends the 100 only once the
  // declared size is accepted, so an oversized upload is refused before it is sent.
  server.on('checkContinue', handler);
  return server;
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
