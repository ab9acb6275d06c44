import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** json, pretty, or auto: pretty when the output is a terminal (a person reads it), else json. */
  format: string;
  /** Whether the output is a terminal; defaults to process.stdout.isTTY (false with a destination). */
  isTTY?: boolean;
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
  const tty = options.isTTY ?? (options.destination ? false : Boolean(process.stdout.isTTY));
  if (options.format === 'pretty' || (options.format === 'auto' && tty)) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' } } });
  }
  return options.destination ? pino(base, options.destination as pino.DestinationStream) : pino(base);
}
