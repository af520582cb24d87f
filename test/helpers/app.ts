import { loadConfig } from '../../src/config/loader.js';
import { start } from '../../src/main.js';
import { serverSetup, type StartOptions, type TestServer, waitReady } from './server.js';

/**
 * The server as main.ts composes it (config schema, SQLite file in a temp data dir, worker pools,
 * cron, the HTTP listener around `app.callback()` on a free loopback port), run inside the test's
 * own process: no process to spawn, and a stack trace that reaches the route. The worker threads
 * still run the built build/engine-worker.cjs, as in production.
 * For what needs a real process (signals, kill -9, exit codes, the single executable, TLS start-up,
 * the CLI) use startServer (./server.ts).
 */
export type AppServer = Pick<TestServer, 'url' | 'adminKey' | 'dataDir' | 'logs' | 'stop'>;

export type AppOptions = Pick<StartOptions, 'dataDir' | 'adminKey' | 'config' | 'waitReady'>;

export async function startApp(opts: AppOptions = {}): Promise<AppServer> {
  const { dataDir, adminKey, configFile } = await serverSetup(opts);
  // As `voicereel serve --config <file> --data-dir <dir>` with VR_API_KEY and no other VR_* variable.
  const config = loadConfig(configFile, { VR_API_KEY: adminKey }, { host: '127.0.0.1', port: 0, dataDir });
  const logs: string[] = [];
  // pino calls write once per log line, with the whole JSON line.
  const logTo = { write: (line: string) => void logs.push(line.trimEnd()) };
  const { url, stop } = await start(config, { logTo });
  if (opts.waitReady !== false) {
    try {
      await waitReady(url);
    } catch (err) {
      await stop();
      throw new Error(`${(err as Error).message}:\n${logs.join('\n')}`, { cause: err });
    }
  }
  return { url, adminKey, dataDir, logs, stop };
}
