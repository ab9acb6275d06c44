import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHandshakeRateGuard } from '../../src/guards/handshake-rate-guard.js';
import type { HandshakeContext } from '../../src/guards/handshake-guard.js';
import { CODES } from '../../src/protocol/codes.js';

const at = (ip: string, now: number): HandshakeContext => ({
  req: { headers: {} } as IncomingMessage, ip, now, host: undefined, app: undefined, connectionCount: 0, appConnectionCount: 0,
});

describe('createHandshakeRateGuard', () => {
  it('allows the burst, then answers 429 with Retry-After until a token refills', () => {
    const guard = createHandshakeRateGuard({ rate: 2, burst: 3, tableSize: 10 });
    expect(guard.stage).toBe('before-upgrade');
    for (let i = 0; i < 3; i++) expect(guard.check(at('198.51.100.1', 1000)).ok).toBe(true);
    const refused = guard.check(at('198.51.100.1', 1000));
    expect(refused).toMatchObject({ ok: false, entry: CODES.httpTooManyHandshakes, retryAfterSeconds: 1 });
    expect(guard.check(at('198.51.100.1', 1400)).ok).toBe(false);
    expect(guard.check(at('198.51.100.1', 1500)).ok).toBe(true);
    expect(guard.check(at('198.51.100.1', 1500)).ok).toBe(false);
  });

  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const guard = createHandshakeRateGuard({ rate: 0.2, burst: 1, tableSize: 10 });
    guard.check(at('198.51.100.1', 0));
    expect(guard.check(at('198.51.100.1', 0))).toMatchObject({ retryAfterSeconds: 5 });
  });

  it('keeps one bucket per client', () => {
    const guard = createHandshakeRateGuard({ rate: 1, burst: 1, tableSize: 10 });
    expect(guard.check(at('198.51.100.1', 0)).ok).toBe(true);
    expect(guard.check(at('198.51.100.1', 0)).ok).toBe(false);
    expect(guard.check(at('198.51.100.2', 0)).ok).toBe(true);
  });

  it('is off at rate 0', () => {
    const guard = createHandshakeRateGuard({ rate: 0, burst: 1, tableSize: 1 });
    for (let i = 0; i < 100; i++) expect(guard.check(at('198.51.100.1', 0)).ok).toBe(true);
    expect(guard.size()).toBe(0);
  });

  it('never tracks more clients than the table holds, whatever arrives', () => {
    const guard = createHandshakeRateGuard({ rate: 1, burst: 5, tableSize: 100 });
    for (let i = 0; i < 10_000; i++) guard.check(at(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 0));
    expect(guard.size()).toBe(100);
  });

  it('evicts the least recently seen client when full, not an active one', () => {
    const guard = createHandshakeRateGuard({ rate: 1, burst: 2, tableSize: 2 });
    guard.check(at('198.51.100.1', 0));
    guard.check(at('198.51.100.2', 0));
    guard.check(at('198.51.100.1', 0)); // .1 is now empty and most recently seen
    guard.check(at('198.51.100.3', 0)); // evicts .2
    expect(guard.check(at('198.51.100.1', 0)).ok).toBe(false);
  });

  it('drops buckets that have refilled, so idle clients cost nothing', () => {
    const guard = createHandshakeRateGuard({ rate: 10, burst: 10, tableSize: 1000 });
    for (let i = 0; i < 50; i++) guard.check(at(`10.0.0.${i}`, 0));
    expect(guard.size()).toBe(50);
    guard.check(at('10.0.1.1', 1000));
    expect(guard.size()).toBe(1);
  });

  it('counts a whole IPv6 /64 as one client', () => {
    const guard = createHandshakeRateGuard({ rate: 1, burst: 1, tableSize: 10 });
    expect(guard.check(at('2001:db8:1:2::1', 0)).ok).toBe(true);
    expect(guard.check(at('2001:db8:1:2:ffff::9', 0)).ok).toBe(false);
    expect(guard.check(at('2001:db8:1:3::1', 0)).ok).toBe(true);
  });
});
