import type { DeliveryResult } from './webhook-sender.js';

export type WebhookDropReason = 'queue_full' | 'expired' | 'rejected' | 'shutdown';

/** What the dispatcher reports about delivery; the metrics implement it. */
export interface WebhookStats {
  webhookQueued?(appId: string, event: string): void;
  /** One HTTP request and its outcome. */
  webhookAttempt?(appId: string, result: DeliveryResult['kind'], seconds: number): void;
  webhookRetried?(appId: string): void;
  webhookDropped?(appId: string, reason: WebhookDropReason, events: number): void;
}

/** Several WebhookStats as one (metrics and the debug console both listen to the dispatcher). */
export function combineWebhookStats(list: readonly WebhookStats[]): WebhookStats {
  return {
    webhookQueued: (appId, event) => list.forEach((s) => s.webhookQueued?.(appId, event)),
    webhookAttempt: (appId, result, seconds) => list.forEach((s) => s.webhookAttempt?.(appId, result, seconds)),
    webhookRetried: (appId) => list.forEach((s) => s.webhookRetried?.(appId)),
    webhookDropped: (appId, reason, events) => list.forEach((s) => s.webhookDropped?.(appId, reason, events)),
  };
}
