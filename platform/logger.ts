import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line. */
const REDACT = [
  'password',
  '*.password',
  '*.*.password',
  'clientPassword',
  '*.clientPassword',
  '*.*.clientPassword',
  'authorization',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'token',
  'accessToken',
  'access_token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vnfm-plugin' },
      redact: { paths: REDACT, censor: '****' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
