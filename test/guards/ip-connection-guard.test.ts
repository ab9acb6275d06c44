import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { HandshakeContext } from '../../src/guards/handshake-guard.js';
import { createIpConnectionGuard } from '../../src/guards/ip-connection-guard.js';
import { checkSubscriptionCap, subscriptionBudgetWarning } from '../../src/guards/subscription-cap.js';
import { CODES } from '../../src/protocol/codes.js';

const context = (ip: string): HandshakeContext => ({
  req: {} as IncomingMessage, ip, host: undefined, now: 0, app: undefined, connectionCount: 0, appConnectionCount: 0,
});

describe('per-IP connection guard', () => {
  it('refuses the connection over the cap with 4103 and keys IPv6 clients by /64', () => {
    const guard = createIpConnectionGuard(2);
    guard.add('203.0.113.1');
    expect(guard.check(context('203.0.113.1')).ok).toBe(true);
    guard.add('203.0.113.1');
    expect(guard.check(context('203.0.113.1'))).toMatchObject({ ok: false, entry: CODES.tooManyConnectionsFromIp });
    expect(guard.check(context('203.0.113.2')).ok).toBe(true);

    guard.add('2001:db8::1');
    guard.add('2001:DB8:0:0:ffff::2');
    expect(guard.count('2001:db8::abcd')).toBe(2);
    expect(guard.check(context('2001:db8::3')).ok).toBe(false);
    expect(guard.check(context('2001:db8:0:1::3')).ok).toBe(true);
  });

  it('forgets a client when its last connection closes', () => {
    const guard = createIpConnectionGuard(1);
    guard.add('198.51.100.7');
    guard.add('198.51.100.7');
    guard.release('198.51.100.7');
    expect(guard.count('198.51.100.7')).toBe(1);
    guard.release('198.51.100.7');
    expect(guard.size()).toBe(0);
    expect(guard.check(context('198.51.100.7')).ok).toBe(true);
  });

  it('0 is unlimited', () => {
    const guard = createIpConnectionGuard(0);
    for (let i = 0; i < 100; i++) guard.add('192.0.2.1');
    expect(guard.check(context('192.0.2.1')).ok).toBe(true);
  });
});

describe('subscription cap', () => {
  it('allows below the cap, refuses at it with 4312, and 0 is unlimited', () => {
    expect(checkSubscriptionCap(2, 3).ok).toBe(true);
    expect(checkSubscriptionCap(3, 3)).toMatchObject({ ok: false, entry: CODES.subscriptionCapReached });
    expect(checkSubscriptionCap(10_000_000, 0).ok).toBe(true);
  });
});

describe('subscription budget warning', () => {
  it('warns when the cap could fill more than half the heap limit, naming a safe value', () => {
    const heap = 2 * 2 ** 30;
    expect(subscriptionBudgetWarning(1_000_000, heap)).toBeUndefined();
    expect(subscriptionBudgetWarning(0, heap)).toBeUndefined();
    expect(subscriptionBudgetWarning(5_000_000, heap)).toBe(
      '--max-subscriptions 5000000 may use about 4883 MiB of heap, more than half of the 2048 MiB limit: lower it to 1048576 or raise node\'s --max-old-space-size',
    );
  });
});
