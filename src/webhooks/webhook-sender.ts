import { Agent, request } from 'undici';
import { parseRetryAfter } from './retry-delay.js';

export type DeliveryResult =
  | { kind: 'delivered'; status: number }
  /** Worth another try: network error, timeout, 408, 429 or 5xx. */
  | { kind: 'retry'; status: number | undefined; reason: string; retryAfterMs?: number }
  /** The receiver refused this request for good (other 3xx/4xx). */
  | { kind: 'rejected'; status: number };

export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<DeliveryResult>;
  /** Aborts requests in flight and closes pooled connections. */
  destroy(): Promise<void>;
}

export interface UndiciSenderOptions {
  /** One request, connect to last body byte. */
  timeoutMs: number;
  userAgent: string;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Webhook POSTs over one pooled undici Agent (keep-alive to each receiver). */
export function createUndiciSender(options: UndiciSenderOptions): WebhookSender {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const stop = new AbortController();

  return {
    async post(url, headers, body) {
      try {
        const response = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { ...headers, 'user-agent': options.userAgent },
          body,
          signal: AbortSignal.any([stop.signal, AbortSignal.timeout(options.timeoutMs)]),
        });
        // Drain so the connection goes back to the pool; the receiver's answer is not used.
        await response.body.dump({ limit: 64 * 1024 });
        const status = response.statusCode;
        if (status >= 200 && status < 300) return { kind: 'delivered', status };
        if (isRetryableStatus(status)) {
          const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
          return { kind: 'retry', status, reason: `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
        }
        return { kind: 'rejected', status };
      } catch (err) {
        const error = err as Error & { code?: string; cause?: { code?: string } };
        const reason = error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : error.code ?? error.cause?.code ?? error.message;
        return { kind: 'retry', status: undefined, reason };
      }
    },
    async destroy() {
      stop.abort();
      await agent.destroy();
    },
  };
}
