import { CODES } from '../protocol/codes.js';
import { ALLOW, type GuardVerdict } from './handshake-guard.js';

/**
 * --max-subscriptions: a node-wide ceiling on (connection, channel) pairs, so memory grows to a
 * known bound instead of the heap limit. Each subscription costs about 1 KiB of heap with 200-
 * character names (channel entry, subscriber set slot, connection map entry, the name itself), so
 * the default million is about 1 GiB, well under Node's default 2–4 GiB heap on a 64-bit host.
 * Checked when the subscribe arrives and again right before the join (Laravel may have taken a
 * while), so the count never passes the cap.
 */
export function checkSubscriptionCap(current: number, max: number): GuardVerdict {
  if (max === 0 || current < max) return ALLOW;
  return {
    ok: false, entry: CODES.subscriptionCapReached,
    detail: `Server holds ${current} of ${max} subscriptions (--max-subscriptions); try again later`,
  };
}
