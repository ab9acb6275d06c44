import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';
import { TokenBucket } from './token-bucket.js';

export interface HandshakeRateOptions {
  rate: number;
  burst: number;
  /** Most IPs tracked; when full, the longest-idle one is evicted first. */
  tableSize: number;
}

/**
 * A token bucket per client IP, answered with 429 + Retry-After before the upgrade. The table is a
 * Map kept in least-recently-used order, so its size is bounded whatever an attacker sends.
 */
export function createHandshakeRateGuard(options: HandshakeRateOptions): HandshakeGuard & { size(): number } {
  const buckets = new Map<string, TokenBucket>();
  return {
    name: 'handshake-rate',
    stage: 'before-upgrade',
    size: () => buckets.size,
    check({ ip, now }) {
      if (options.rate === 0) return ALLOW;
      let bucket = buckets.get(ip);
      if (bucket) {
        buckets.delete(ip);
      } else {
        bucket = new TokenBucket(options.rate, options.burst, now);
        if (buckets.size >= options.tableSize) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
      }
      buckets.set(ip, bucket);
      if (bucket.take(now)) return ALLOW;
      return {
        ok: false,
        entry: CODES.httpTooManyHandshakes,
        detail: `More than ${options.burst} handshakes at ${options.rate}/s from ${ip}`,
        retryAfterSeconds: Math.max(1, Math.ceil(bucket.secondsUntilToken(now))),
      };
    },
  };
}
