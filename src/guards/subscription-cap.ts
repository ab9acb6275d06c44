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

/** Heap one subscription may cost in the worst case measured (distinct 200-character channel names, with margin). */
export const SUBSCRIPTION_HEAP_BYTES = 1024;

/**
 * A startup warning when --max-subscriptions could fill more than half of the V8 heap limit
 * (`v8.getHeapStatistics().heap_size_limit`): the cap would then come after the out-of-memory crash.
 */
export function subscriptionBudgetWarning(max: number, heapLimitBytes: number): string | undefined {
  if (max === 0 || max * SUBSCRIPTION_HEAP_BYTES <= heapLimitBytes / 2) return undefined;
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  return `--max-subscriptions ${max} may use about ${mib(max * SUBSCRIPTION_HEAP_BYTES)} MiB of heap, more than half of the ${mib(heapLimitBytes)} MiB limit: `
    + `lower it to ${Math.floor(heapLimitBytes / 2 / SUBSCRIPTION_HEAP_BYTES)} or raise node's --max-old-space-size`;
}
