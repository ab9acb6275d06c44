import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountThrottle } from '../../src/webhooks/count-throttle.js';
import { DelayedRemovals } from '../../src/webhooks/delayed-removals.js';
import { parseRetryAfter, retryDelay } from '../../src/webhooks/retry-delay.js';
import { describeUrl, webhookBody, webhookHeaders } from '../../src/webhooks/webhook-event.js';

describe('retryDelay', () => {
  it('doubles per attempt up to the cap, with half of it random', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelay(30, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('webhook wire format', () => {
  it('puts time_ms first and signs the exact body with the app secret', () => {
    const body = webhookBody(1700000000000, [{ name: 'channel_occupied', channel: 'news' }]);
    expect(body).toBe('{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"news"}]}');
    // HMAC-SHA256("secret", body), computed independently with openssl.
    expect(webhookHeaders({ key: 'key', secret: 'secret' }, body)).toEqual({
      'Content-Type': 'application/json',
      'X-Pusher-Key': 'key',
      'X-Pusher-Signature': 'e7c4fcbf58f717e756f929abbfc60236637528e50ab1a05d55584dde28638667',
    });
  });

  it('keeps credentials and query strings out of logged URLs', () => {
    expect(describeUrl('https://user:pass@hooks.example.com/pusher?token=abc')).toBe('https://hooks.example.com/pusher');
  });
});

describe('DelayedRemovals', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires after the delay unless cancelled, and fires everything at once on shutdown', () => {
    const fired: string[] = [];
    const removals = new DelayedRemovals(3000);
    removals.schedule('a', () => fired.push('a'));
    removals.schedule('b', () => fired.push('b'));
    vi.advanceTimersByTime(2999);
    expect(removals.cancel('a')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['b']);
    expect(removals.cancel('b')).toBe(false);
    removals.schedule('c', () => fired.push('c'));
    removals.fireAll();
    expect(fired).toEqual(['b', 'c']);
    expect(removals.size).toBe(0);
  });
});

describe('CountThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends small counts at once and a busy channel\'s latest count at most every interval', () => {
    const sent: Array<[string, number]> = [];
    const throttle = new CountThrottle((key, count) => sent.push([key, count]), 5000, 100);
    throttle.update('small', 1);
    throttle.update('small', 2);
    throttle.update('busy', 100);
    throttle.update('busy', 101);
    throttle.update('busy', 102);
    expect(sent).toEqual([['small', 1], ['small', 2], ['busy', 100]]);
    vi.advanceTimersByTime(5000);
    expect(sent.at(-1)).toEqual(['busy', 102]);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(4);
    throttle.update('busy', 99);
    expect(sent.at(-1)).toEqual(['busy', 99]);
    throttle.update('busy', 150);
    throttle.update('busy', 151);
    throttle.flush();
    expect(sent.slice(-2)).toEqual([['busy', 150], ['busy', 151]]);
  });
});
