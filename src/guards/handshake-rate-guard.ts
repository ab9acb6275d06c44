import { CODES } from '../protocol/codes.js';
import { rateLimitKey } from './client-ip.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';
import { TokenBucket } from './token-bucket.js';

export interface HandshakeRateOptions {
  /** Handshakes per second per client; 0 disables the guard. */
  rate: number;
  burst: number;
  /** Most clients tracked; when full, the least recently seen one is evicted. */
  tableSize: number;
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
