/**
 * Structured JSON logs (pino). Secrets and personal data never reach a log line: credentials,
 * passwords, codes and claim values are masked wherever they appear in a logged object.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.code',
  '*.credentials',
  '*.claims',
  'body.credentials',
  'body.claims',
  'body.password',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'authscript', pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[masked]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
