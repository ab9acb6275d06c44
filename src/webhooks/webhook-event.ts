import type { App } from '../apps/app.js';
import { hmacSha256Hex } from '../auth/signatures.js';

/**
 * Pusher's webhook event objects, field for field
 * (../shared/reference/pusher-protocol-and-laravel.md §A6).
 */
export type WebhookEvent =
  | { name: 'channel_occupied' | 'channel_vacated' | 'cache_miss'; channel: string }
  | { name: 'member_added' | 'member_removed'; channel: string; user_id: string }
  | { name: 'client_event'; channel: string; event: string; data: string; socket_id: string; user_id?: string }
  | { name: 'subscription_count'; channel: string; subscription_count: number };

/** `{time_ms, events}` in that key order: some receivers re-serialize the parsed body before checking. */
export function webhookBody(timeMs: number, events: readonly WebhookEvent[]): string {
  return JSON.stringify({ time_ms: timeMs, events });
}

/**
 * `Content-Type` must be exactly `application/json` (no charset): the `pusher` Node SDK's
 * `WebHook.isContentTypeValid` compares the whole string. The names are spelled as Pusher sends
 * them because pusher-http-php's `webhook(getallheaders(), $body)` looks them up case-sensitively,
 * and `php -S` / Apache mod_php keep the case from the wire; undici writes names as given.
 */
export function webhookHeaders(app: Pick<App, 'key' | 'secret'>, body: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Pusher-Key': app.key,
    'X-Pusher-Signature': hmacSha256Hex(app.secret, body),
  };
}

/** A receiver URL fit for logs: no credentials, no query (tokens often live there). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
