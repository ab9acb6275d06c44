import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { createRejectionLog } from '../../src/logging/rejection-log.js';
import { CODES } from '../../src/protocol/codes.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', format: 'json', destination }) };
}

describe('createRejectionLog', () => {
  it('logs each rejection once with code, reason, app id and client IP', () => {
    const { lines, logger } = capture();
    const log = createRejectionLog(logger);
    log.rejected!({ entry: CODES.originNotAllowed, detail: 'Origin "https://evil.test" not allowed', appId: 'app-id', ip: '203.0.113.9' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, code: 4009, reason: 'origin_not_allowed', appId: 'app-id', ip: '203.0.113.9', msg: 'Origin "https://evil.test" not allowed' });
  });

  it('warns for problems on the Laravel side', () => {
    const { lines, logger } = capture();
    createRejectionLog(logger).rejected!({ entry: CODES.authUnavailable, detail: 'Laravel answered 500', appId: 'a', ip: '1.2.3.4', channel: 'private-x' });
    expect(lines[0]).toMatchObject({ level: 40, code: 503, reason: 'auth_unavailable', channel: 'private-x' });
  });

  it('summarizes a flood of one reason instead of writing a line per rejection', async () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = createRejectionLog(logger, { linesPerSecond: 3, now: () => now });
    for (let i = 0; i < 100; i++) log.rejected!({ entry: CODES.httpTooManyHandshakes, detail: 'x', ip: '1.2.3.4' });
    log.rejected!({ entry: CODES.overCapacity, detail: 'y', ip: '1.2.3.4' });
    expect(lines.filter((l) => l.reason === 'http_too_many_handshakes')).toHaveLength(3);
    expect(lines.filter((l) => l.reason === 'over_capacity')).toHaveLength(1);
    now = 1000;
    log.rejected!({ entry: CODES.httpTooManyHandshakes, detail: 'x', ip: '1.2.3.4' });
    expect(lines.find((l) => l.suppressed !== undefined)).toMatchObject({ reason: 'http_too_many_handshakes', suppressed: 97 });
    for (let i = 0; i < 5; i++) log.rejected!({ entry: CODES.httpTooManyHandshakes, detail: 'x', ip: '1.2.3.4' });
    await log.close!();
    expect(lines.filter((l) => l.suppressed !== undefined).map((l) => l.suppressed)).toEqual([97, 3]);
  });
});
