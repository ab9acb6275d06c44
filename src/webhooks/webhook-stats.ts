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
