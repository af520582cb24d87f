import { execFile } from 'node:child_process';
import { BUNDLE } from './server.js';

/** The environment without VR_* variables, so only flags and files configure the command. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VR_')));
}

/** Runs `voicereel <args>` from the real bundle and collects its exit code and output. */
export function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BUNDLE, ...args],
      { env: cleanEnv(), timeout: 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}
