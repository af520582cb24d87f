import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { withBackend } from './backend.js';

export const BUNDLE = resolve('build/voicereel.cjs');

export interface TestServer {
  url: string;
  adminKey: string;
  dataDir: string;
  proc: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  adminKey?: string;
  /** TOML text written to a config file passed with --config. */
  config?: string;
  env?: Record<string, string>;
  /** Replaces the inherited environment (VR_API_KEY and `env` are still added). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Program and leading arguments that run `voicereel` (default: this Node with the bundle). */
  command?: [string, ...string[]];
  cwd?: string;
  waitReady?: boolean;
  /** PEM CA trusted by waitReady when the server speaks HTTPS (fetch cannot be given one). */
  ca?: string | Buffer;
}

/**
 * A test server's data dir (a new temp dir unless given), admin key, and config file (from TOML text).
 * A server started the usual way (no `command` of the test's own) runs one synthesis worker unless its
 * config sets `[engine] workers`: starting a worker (eSpeak, the kuromoji dictionary, onnxruntime) is
 * most of a server's start-up on two cores, and few tests are about how many workers there are. A
 * test that gives a data dir not made yet gets none written there: the server must create it. In the
 * backends run the server also gets its database on PostgreSQL (./backend.ts).
 */
export async function serverSetup(opts: Pick<StartOptions, 'dataDir' | 'adminKey' | 'config' | 'command'>) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'vr-test-'));
  const adminKey = opts.adminKey ?? `vr_test_${randomBytes(16).toString('hex')}`;
  const made = existsSync(dataDir);
  const base = opts.command || !made ? opts.config : oneWorkerUnlessSet(opts.config ?? '');
  const toml = made ? await withBackend(base, dataDir) : base;
  let configFile: string | undefined;
  if (toml !== undefined) {
    configFile = join(dataDir, 'test.toml');
    writeFileSync(configFile, toml, { mode: 0o600 });
  }
  return { dataDir, adminKey, configFile };
}

/** The TOML with `[engine] workers = 1` added when it sets no worker count (as written when not TOML). */
export function oneWorkerUnlessSet(toml: string): string {
  let engine: unknown;
  try {
    engine = (parseToml(toml) as { engine?: unknown }).engine;
  } catch {
    return toml; // a test of a config the server refuses gets it exactly as written
  }
  if (engine === undefined) return `${toml}\n[engine]\nworkers = 1\n`;
  if (typeof engine !== 'object' || engine === null || 'workers' in engine) return toml;
  // An [engine] table without the key: it goes under the table's header.
  return toml.replace(/^\[engine\][ \t]*$/m, '$&\nworkers = 1');
}

/** Starts the real bundled server as a child process on a free loopback port. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const { dataDir, adminKey, configFile } = await serverSetup(opts);
  const [program, ...leading] = opts.command ?? [process.execPath, BUNDLE];
  const args = [...leading, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir];
  if (configFile !== undefined) args.push('--config', configFile);
  const proc = spawn(program, args, {
    env: { ...(opts.baseEnv ?? process.env), VR_API_KEY: adminKey, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: opts.cwd,
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('\n')}`)), 60_000);
    const onLine = (line: string) => {
      logs.push(line);
      if (line.includes('voicereel listening')) {
        clearTimeout(timer);
        resolveUrl((JSON.parse(line) as { url: string }).url);
      }
    };
    lines(proc.stdout, onLine);
    lines(proc.stderr, onLine);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  // 'close', not 'exit': by then every line the server wrote has been read.
  const exited = new Promise<void>((r) => proc.once('close', () => r()));
  const server: TestServer = {
    url,
    adminKey,
    dataDir,
    proc,
    logs,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  if (opts.waitReady !== false) await waitReady(url, 60_000, opts.ca);
  return server;
}

export async function waitReady(url: string, timeoutMs = 60_000, ca?: string | Buffer): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const status = ca
      ? await httpsStatus(`${url}/readyz`, ca).catch(() => undefined)
      : (await fetch(`${url}/readyz`).catch(() => undefined))?.status;
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server never became ready');
}

/** A log line may arrive just after the HTTP response (through the pipe, or written after it): wait for one. */
export async function waitForLog(
  server: Pick<TestServer, 'logs'>,
  match: (line: string) => boolean,
  timeoutMs = 3000,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!server.logs.some(match)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

function httpsStatus(url: string, ca: string | Buffer): Promise<number | undefined> {
  return new Promise((resolveStatus, reject) => {
    httpsGet(url, { ca }, (res) => {
      res.resume();
      resolveStatus(res.statusCode);
    }).on('error', reject);
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buf = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}
