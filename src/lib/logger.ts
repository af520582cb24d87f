import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON lines on stdout (journald, Loki); `time` as ISO so the lines read well without a tool.
 * Another destination is for a server run inside a test's process, whose lines the test reads.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'voicereel' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
