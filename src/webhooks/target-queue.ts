import { performance } from 'node:perf_hooks';
import type { App, WebhookTarget } from '../apps/app.js';
import type { Logger } from '../logging/logger.js';
import { retryDelay } from './retry-delay.js';
import { describeUrl, webhookBody, webhookHeaders, type WebhookEvent } from './webhook-event.js';
import type { DeliveryResult, WebhookSender } from './webhook-sender.js';
import type { WebhookDropReason, WebhookStats } from './webhook-stats.js';

const SHUTDOWN_RETRY_MS = 250;

export interface DeliveryTiming {
  batchMs: number;
  maxAgeMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxEventsPerRequest: number;
}

export interface TargetQueueOptions {
  app: App;
  target: WebhookTarget;
  sender: WebhookSender;
  timing: DeliveryTiming;
  logger: Logger;
  stats: WebhookStats;
  now: () => number;
  dropped: (reason: WebhookDropReason, events: number) => void;
}

/** A sealed request: retries send these exact bytes with the same signature. */
interface Job {
  body: string;
  headers: Record<string, string>;
  events: number;
  createdAt: number;
  attempts: number;
}

/**
 * The delivery line of one app's receiver: events wait up to `batchMs` to share a request, one
 * request is in flight at a time (so events arrive in order), and a failed request is retried with
 * backoff until `maxAgeMs`. Events arriving meanwhile wait and go out together afterwards, so a slow
 * receiver gets fewer, larger requests.
 */
export class TargetQueue {
  readonly #o: TargetQueueOptions;
  readonly #url: string;
  #pending: WebhookEvent[] = [];
  #pendingSince = 0;
  #job: Job | undefined;
  #batchTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #urgent = false;
  #destroyed = false;
  #idle: Array<() => void> = [];

  constructor(options: TargetQueueOptions) {
    this.#o = options;
    this.#url = describeUrl(options.target.url);
  }

  wants(name: WebhookEvent['name']): boolean {
    return this.#o.target.events.includes(name);
  }

  /** Events held: waiting for a batch plus those in the request being delivered. */
  get held(): number {
    return this.#pending.length + (this.#job?.events ?? 0);
  }

  push(event: WebhookEvent): void {
    if (this.#destroyed) return;
    if (this.#pending.length === 0) this.#pendingSince = this.#o.now();
    this.#pending.push(event);
    this.#schedule();
  }

  /**
   * Shutdown: stop waiting for batches, and give a request that is backing off one attempt now
   * (its next backoff may be longer than the whole --shutdown-timeout).
   */
  hurry(): void {
    this.#urgent = true;
    if (this.#retryTimer && this.#job) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#attempt(this.#job);
    }
    this.#schedule();
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.held === 0 || this.#destroyed) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Gives up on everything held; returns how many events that was. */
  destroy(): number {
    const lost = this.held;
    this.#destroyed = true;
    clearTimeout(this.#batchTimer);
    clearTimeout(this.#retryTimer);
    this.#pending = [];
    this.#job = undefined;
    for (const resolve of this.#idle.splice(0)) resolve();
    return lost;
  }

  #schedule(): void {
    if (this.#job || this.#destroyed || this.#pending.length === 0) return;
    const full = this.#pending.length >= this.#o.timing.maxEventsPerRequest;
    if (this.#batchTimer && !full && !this.#urgent) return;
    clearTimeout(this.#batchTimer);
    const wait = full || this.#urgent ? 0 : Math.max(0, this.#pendingSince + this.#o.timing.batchMs - this.#o.now());
    // Even at 0 a timer, so events raised in the same tick (member_removed + channel_vacated) share a request.
    this.#batchTimer = setTimeout(() => {
      this.#batchTimer = undefined;
      this.#seal();
    }, wait);
    this.#batchTimer.unref();
  }

  #seal(): void {
    if (this.#job || this.#destroyed || this.#pending.length === 0) return;
    const events = this.#pending.splice(0, this.#o.timing.maxEventsPerRequest);
    const createdAt = this.#o.now();
    if (this.#pending.length > 0) this.#pendingSince = createdAt;
    const body = webhookBody(createdAt, events);
    this.#job = { body, headers: webhookHeaders(this.#o.app, body), events: events.length, createdAt, attempts: 0 };
    this.#attempt(this.#job);
  }

  #attempt(job: Job): void {
    job.attempts++;
    const started = performance.now();
    const settle = (result: DeliveryResult) => {
      if (this.#destroyed || this.#job !== job) return;
      const { app, stats, logger, timing } = this.#o;
      stats.webhookAttempt?.(app.id, result.kind, (performance.now() - started) / 1000);
      if (result.kind === 'delivered') {
        if (job.attempts > 1) logger.info({ appId: app.id, url: this.#url, attempts: job.attempts }, 'webhook delivered after retries');
        return this.#finish(job);
      }
      if (result.kind === 'rejected') {
        const hint = result.status < 400 ? ' (it redirects: configure the final URL, e.g. https://)' : '';
        logger.warn({ appId: app.id, url: this.#url, status: result.status, events: job.events },
          `webhook receiver refused the request with HTTP ${result.status}${hint}; not retrying (only network errors, 408, 429 and 5xx are retried)`);
        this.#o.dropped('rejected', job.events);
        return this.#finish(job);
      }
      const remaining = job.createdAt + timing.maxAgeMs - this.#o.now();
      if (remaining <= 0) {
        logger.warn({ appId: app.id, url: this.#url, reason: result.reason, attempts: job.attempts, events: job.events },
          `webhook dropped: still failing (${result.reason}) after ${job.attempts} attempts; --webhook-max-age reached`);
        this.#o.dropped('expired', job.events);
        return this.#finish(job);
      }
      const backoff = Math.max(retryDelay(job.attempts, timing.retryBaseMs, timing.retryMaxMs), result.retryAfterMs ?? 0);
      // The last attempt lands on the max age; shutting down, the usual backoff would outlast
      // --shutdown-timeout, so keep trying briskly.
      const delay = Math.min(this.#urgent ? Math.min(backoff, SHUTDOWN_RETRY_MS) : backoff, remaining);
      stats.webhookRetried?.(app.id);
      const log = job.attempts === 1 ? logger.warn.bind(logger) : logger.debug.bind(logger);
      log({ appId: app.id, url: this.#url, reason: result.reason, attempt: job.attempts, retryInMs: delay }, `webhook delivery failed (${result.reason}); retrying`);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        if (this.#job === job) this.#attempt(job);
      }, delay);
      this.#retryTimer.unref();
    };
    this.#o.sender.post(this.#o.target.url, job.headers, job.body)
      .then(settle, (err: unknown) => settle({ kind: 'retry', status: undefined, reason: err instanceof Error ? err.message : String(err) }))
      .catch((err: unknown) => this.#o.logger.error({ err }, 'webhook delivery bookkeeping failed'));
  }

  #finish(job: Job): void {
    this.#job = undefined;
    this.#schedule();
    if (this.held === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}
