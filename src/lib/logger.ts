import pino, { type Logger } from 'pino';

/** JSON lines on stdout (journald, Loki); `time` as ISO so the lines read well without a tool. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'voicereel' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
