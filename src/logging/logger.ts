import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: string;
  /** Where JSON lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * Secrets never reach a log call in this codebase; the redaction list is a second net for
 * anything that carries request headers.
 */
const REDACT = [
  'secret', '*.secret', 'appSecret', '*.appSecret', 'auth', '*.auth', 'redisUrl', '*.redisUrl',
  'headers.cookie', 'headers.authorization', '*.headers.cookie', '*.headers.authorization',
];

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, base: { name: 'pusher-sidecar' } };
  if (options.format === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' } } });
  }
  return options.destination ? pino(base, options.destination as pino.DestinationStream) : pino(base);
}
