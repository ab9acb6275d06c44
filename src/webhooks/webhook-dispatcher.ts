import type { App } from '../apps/app.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { ServerObserver } from '../observers.js';
import { CountThrottle } from './count-throttle.js';
import { DelayedRemovals } from './delayed-removals.js';
import { TargetQueue, type DeliveryTiming } from './target-queue.js';
import type { WebhookEvent } from './webhook-event.js';
import { createUndiciSender, type WebhookSender } from './webhook-sender.js';
import type { WebhookDropReason, WebhookStats } from './webhook-stats.js';

export interface WebhookDispatcherOptions {
  apps: readonly App[];
  batchMs: number;
  vacateDelayMs: number;
  maxAgeMs: number;
  /**
   * Events held per receiver; beyond it new events for that receiver are dropped and counted. Per
   * receiver, so one dead endpoint cannot starve the others.
   */
  queueSize: number;
  timeoutMs: number;
  logger: Logger;
  stats?: WebhookStats;
  /** First retry waits about this long, doubling up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxEventsPerRequest?: number;
  /** For tests: a sender other than undici. */
  sender?: WebhookSender;
  userAgent?: string;
  now?: () => number;
}

const DROP_LOG_INTERVAL_MS = 10_000;

/** The dispatcher's options from the one config schema. */
export function webhookOptionsFromConfig(config: Config): Omit<WebhookDispatcherOptions, 'apps' | 'logger'> {
  return {
    batchMs: config.webhookBatchMs,
    vacateDelayMs: config.webhookVacateDelay * 1000,
    maxAgeMs: config.webhookMaxAge * 1000,
    queueSize: config.webhookQueueSize,
    timeoutMs: config.webhookTimeout,
  };
}

/** One app's receivers plus its pending removals and count throttle. */
class AppWebhooks {
  readonly removals: DelayedRemovals;
  readonly counts: CountThrottle;
  readonly tracksOccupancy: boolean;
  readonly tracksMembers: boolean;

  constructor(
    readonly app: App,
    readonly queues: TargetQueue[],
    vacateDelayMs: number,
    readonly enqueue: (hooks: AppWebhooks, event: WebhookEvent) => void,
  ) {
    this.removals = new DelayedRemovals(vacateDelayMs);
    this.counts = new CountThrottle((channel, count) => this.emit({ name: 'subscription_count', channel, subscription_count: count }));
    this.tracksOccupancy = this.wants('channel_occupied') || this.wants('channel_vacated');
    this.tracksMembers = this.wants('member_added') || this.wants('member_removed');
  }

  wants(name: WebhookEvent['name']): boolean {
    return this.queues.some((queue) => queue.wants(name));
  }

  emit(event: WebhookEvent): void {
    this.enqueue(this, event);
  }
}

/**
 * Webhooks as a server observer: Pusher's wire format, signed per app, batched, removals delayed
 * and cancelled on return, delivered at least once within --webhook-max-age, bounded by
 * --webhook-queue-size. `close()` flushes what is pending; `destroy()` gives up on the rest.
 */
export class WebhookDispatcher implements ServerObserver {
  readonly #apps = new Map<string, AppWebhooks>();
  readonly #sender: WebhookSender;
  readonly #logger: Logger;
  readonly #stats: WebhookStats;
  readonly #queueSize: number;
  readonly #vacateDelayMs: number;
  #closing = false;
  #destroyed = false;
  #unloggedDrops = 0;
  #dropLogTimer: NodeJS.Timeout | undefined;

  constructor(options: WebhookDispatcherOptions) {
    this.#logger = options.logger;
    this.#stats = options.stats ?? {};
    this.#queueSize = options.queueSize;
    this.#vacateDelayMs = options.vacateDelayMs;
    this.#sender = options.sender ?? createUndiciSender({ timeoutMs: options.timeoutMs, userAgent: options.userAgent ?? 'pusher-sidecar' });
    const now = options.now ?? Date.now;
    const timing: DeliveryTiming = {
      batchMs: options.batchMs,
      maxAgeMs: options.maxAgeMs,
      retryBaseMs: options.retryBaseMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 60_000,
      maxEventsPerRequest: options.maxEventsPerRequest ?? 100,
    };
    for (const app of options.apps) {
      if (app.webhooks.length === 0) continue;
      const queues = app.webhooks.map((target) => new TargetQueue({
        app, target, timing, now,
        sender: this.#sender,
        logger: this.#logger,
        stats: this.#stats,
        dropped: (reason, events) => this.#stats.webhookDropped?.(app.id, reason, events),
      }));
      this.#apps.set(app.id, new AppWebhooks(app, queues, this.#vacateDelayMs, (hooks, event) => this.#enqueue(hooks, event)));
    }
  }

  /** Events waiting for delivery (the `status` backlog and a metrics gauge). */
  get backlog(): number {
    let held = 0;
    for (const hooks of this.#apps.values()) for (const queue of hooks.queues) held += queue.held;
    return held;
  }

  channelOccupied(app: App, channel: string): void {
    const hooks = this.#apps.get(app.id);
    if (!hooks?.tracksOccupancy) return;
    if (hooks.removals.cancel(`c\0${channel}`)) return;
    if (hooks.wants('channel_occupied')) hooks.emit({ name: 'channel_occupied', channel });
  }

  channelVacated(app: App, channel: string): void {
    const hooks = this.#apps.get(app.id);
    if (!hooks?.tracksOccupancy) return;
    this.#delayRemoval(hooks, `c\0${channel}`, () => {
      if (hooks.wants('channel_vacated')) hooks.emit({ name: 'channel_vacated', channel });
    });
  }

  memberAdded(app: App, channel: string, userId: string): void {
    const hooks = this.#apps.get(app.id);
    if (!hooks?.tracksMembers) return;
    if (hooks.removals.cancel(`m\0${channel}\0${userId}`)) return;
    if (hooks.wants('member_added')) hooks.emit({ name: 'member_added', channel, user_id: userId });
  }

  memberRemoved(app: App, channel: string, userId: string): void {
    const hooks = this.#apps.get(app.id);
    if (!hooks?.tracksMembers) return;
    this.#delayRemoval(hooks, `m\0${channel}\0${userId}`, () => {
      if (hooks.wants('member_removed')) hooks.emit({ name: 'member_removed', channel, user_id: userId });
    });
  }

  subscriptionCount(app: App, channel: string, count: number): void {
    const hooks = this.#apps.get(app.id);
    if (!hooks?.wants('subscription_count')) return;
    if (this.#closing) hooks.emit({ name: 'subscription_count', channel, subscription_count: count });
    else hooks.counts.update(channel, count);
  }

  clientEvent(app: App, channel: string, event: string, data: string, socketId: string, userId?: string): void {
    const hooks = this.#apps.get(app.id);
    if (!hooks?.wants('client_event')) return;
    hooks.emit({ name: 'client_event', channel, event, data, socket_id: socketId, ...(userId !== undefined ? { user_id: userId } : {}) });
  }

  cacheMiss(app: App, channel: string): void {
    const hooks = this.#apps.get(app.id);
    if (hooks?.wants('cache_miss')) hooks.emit({ name: 'cache_miss', channel });
  }

  /**
   * Shutdown: removals still waiting are sent now (nobody comes back to this process), batches go
   * out at once, and this resolves when every receiver has everything — or the server's
   * --shutdown-timeout wins the race and `destroy()` follows.
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const hooks of this.#apps.values()) {
      hooks.removals.fireAll();
      hooks.counts.flush();
      for (const queue of hooks.queues) queue.hurry();
    }
    await Promise.all([...this.#apps.values()].flatMap((hooks) => hooks.queues.map((queue) => queue.idle())));
  }

  /** Abandons whatever is still held (counted as dropped, reason shutdown) and closes connections. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    let lost = 0;
    for (const hooks of this.#apps.values()) {
      for (const queue of hooks.queues) {
        const events = queue.destroy();
        if (events > 0) this.#stats.webhookDropped?.(hooks.app.id, 'shutdown', events);
        lost += events;
      }
      hooks.removals.clear();
      hooks.counts.clear();
    }
    clearTimeout(this.#dropLogTimer);
    this.#logDrops();
    if (lost > 0) this.#logger.warn({ events: lost }, `shutdown timeout: ${lost} webhook event(s) were not delivered`);
    await this.#sender.destroy();
  }

  #delayRemoval(hooks: AppWebhooks, key: string, fire: () => void): void {
    if (this.#closing || this.#vacateDelayMs === 0) fire();
    else hooks.removals.schedule(key, fire);
  }

  #enqueue(hooks: AppWebhooks, event: WebhookEvent): void {
    if (this.#destroyed) return;
    for (const queue of hooks.queues) {
      if (!queue.wants(event.name)) continue;
      if (queue.held >= this.#queueSize) {
        this.#drop(hooks.app.id, 'queue_full');
        continue;
      }
      queue.push(event);
      this.#stats.webhookQueued?.(hooks.app.id, event.name);
    }
  }

  /** Overflow is counted at once and logged at most every 10 s, with how many were lost since. */
  #drop(appId: string, reason: WebhookDropReason): void {
    this.#stats.webhookDropped?.(appId, reason, 1);
    this.#unloggedDrops++;
    if (this.#dropLogTimer) return;
    this.#logDrops();
    this.#dropLogTimer = setTimeout(() => {
      this.#dropLogTimer = undefined;
      this.#logDrops();
    }, DROP_LOG_INTERVAL_MS);
    this.#dropLogTimer.unref();
  }

  #logDrops(): void {
    if (this.#unloggedDrops === 0) return;
    this.#logger.warn({ dropped: this.#unloggedDrops, queueSize: this.#queueSize },
      `webhook queue full: dropped ${this.#unloggedDrops} event(s); a receiver is slow or down (raise --webhook-queue-size to hold more)`);
    this.#unloggedDrops = 0;
  }
}
