import { isIPv6 } from 'node:net';
import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';
import { TokenBucket } from './token-bucket.js';

export interface HandshakeRateOptions {
  /** Handshakes per second per client; 0 disables the guard. */
  rate: number;
  burst: number;
  /** Most clients tracked; when full, the least recently seen one is evicted. */
  tableSize: number;
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  if (tail === undefined) return left;
  const right = groups(tail);
  // An embedded IPv4 tail (64:ff9b::1.2.3.4) takes two groups.
  const rightLength = right.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  return [...left, ...Array<string>(Math.max(0, 8 - left.length - rightLength)).fill('0'), ...right];
}

/**
 * The bucket key of a client: its IPv4 address, or the /64 of an IPv6 one. One subscriber gets a
 * whole /64, so keying on full IPv6 addresses would give an attacker 2^64 fresh buckets and let
 * them flush the table.
 */
export function rateLimitKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const groups = expandIPv6(ip.toLowerCase().split('%')[0]!).slice(0, 4);
  return `${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export interface HandshakeRateGuard extends HandshakeGuard {
  /** Clients currently tracked (for tests and metrics). */
  size(): number;
}

/**
 * A token bucket per client, answered with 429 + Retry-After before the upgrade (cheap under
 * attack: no WebSocket, no pusher frames). The table is a Map kept in least-recently-seen order:
 * buckets that have refilled carry no state and are dropped from its old end as we go, and when
 * it is full anyway the oldest entry goes, so memory stays bounded whatever an attacker sends.
 */
export function createHandshakeRateGuard(options: HandshakeRateOptions): HandshakeRateGuard {
  const buckets = new Map<string, TokenBucket>();

  function evictIdle(now: number): void {
    for (const [key, bucket] of buckets) {
      if (!bucket.isFull(now)) break;
      buckets.delete(key);
    }
  }

  return {
    name: 'handshake-rate',
    stage: 'before-upgrade',
    size: () => buckets.size,
    check({ ip, now }) {
      if (options.rate === 0) return ALLOW;
      evictIdle(now);
      const key = rateLimitKey(ip);
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key);
      } else {
        bucket = new TokenBucket(options.rate, options.burst, now);
        if (buckets.size >= options.tableSize) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
      }
      buckets.set(key, bucket);
      if (bucket.take(now)) return ALLOW;
      return {
        ok: false,
        entry: CODES.httpTooManyHandshakes,
        detail: `More than ${options.burst} handshakes at ${options.rate}/s from ${key}`,
        retryAfterSeconds: Math.max(1, Math.ceil(bucket.secondsUntilToken(now))),
      };
    },
  };
}
