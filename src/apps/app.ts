import type { WEBHOOK_EVENT_NAMES } from '../config/schema.js';

export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

export interface WebhookTarget {
  url: string;
  events: WebhookEventName[];
}

/** One tenant: credentials plus the per-app switches the apps file may set. */
export interface App {
  id: string;
  key: string;
  secret: string;
  enabled: boolean;
  enableClientMessages: boolean;
  /** 0 = unlimited. */
  maxConnections: number;
  webhooks: WebhookTarget[];
  /** Send pusher_internal:subscription_count to subscribers of non-presence channels (default off). */
  subscriptionCount?: boolean;
}
