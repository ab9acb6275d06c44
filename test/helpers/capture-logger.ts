/** The production logger for tests: silent, or writing JSON lines the test can read back (redaction still applies). */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/logger.js';

export interface CapturedLogger {
  logger: Logger;
  /** The log lines written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** The log output as written. */
  text(): string;
}

export function captureLogger(level = 'debug'): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    logger: createLogger({ level, format: 'json', destination }),
    lines: () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
    text,
  };
}

export function silentLogger(): Logger {
  return createLogger({ level: 'silent', format: 'json' });
}
