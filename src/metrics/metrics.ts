import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../apps/app.js';
import type { Hub } from '../channels/hub.js';
import type { RejectionInfo, ServerObserver } from '../observers.js';
import type { ChannelKind } from '../protocol/channel-names.js';
import { ALL_CODES } from '../protocol/codes.js';
import type { DeliveryResult } from '../webhooks/webhook-sender.js';
import type { WebhookDropReason, WebhookStats } from '../webhooks/webhook-stats.js';

export const METRIC_PREFIX = 'pusher_sidecar_';

export interface MetricsOptions {
  version: string;
  /** prom-client's process_* and nodejs_* metrics (default on; tests running many servers turn them off). */
  defaultMetrics?: boolean;
}

export interface MetricsSources {
  hub?: Hub;
  webhookBacklog?: () => number;
}

const CHANNEL_KINDS: readonly ChannelKind[] = ['public', 'private', 'presence', 'encrypted', 'user'];
// A client may close with any code 3000–4999; only codes we know become label values, so a
// hostile client cannot grow the series without bound.
const KNOWN_CLOSE_CODES = new Set<number>([
  1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015,
  ...ALL_CODES.filter((entry) => entry.kind === 'close').map((entry) => entry.code),
]);
const FAST_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];
const LOOP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function closeCodeLabel(code: number): string {
  return KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other';
}

/**
 * Every Prometheus metric of one server, in its own registry (so tests can run several servers).
 * It is a ServerObserver for the hub's events, a WebhookStats for the dispatcher, and reads the
 * current gauges (connections, channels, backlog) from its sources at scrape time.
 */
export class Metrics implements ServerObserver, WebhookStats {
  readonly registry = new Registry();
  #sources: MetricsSources = {};
  readonly #loopMonitor: IntervalHistogram;
  readonly #loopTimer: NodeJS.Timeout;

  readonly #opened: Counter<'app_id'>;
  readonly #closed: Counter<'app_id' | 'code'>;
  readonly #rejections: Counter<'code' | 'reason'>;
  readonly #messagesIn: Counter<'app_id'>;
  readonly #bytesIn: Counter<'app_id'>;
  readonly #messagesOut: Counter<'app_id'>;
  readonly #bytesOut: Counter<'app_id'>;
  readonly #broadcasts: Histogram;
  readonly #httpRequests: Counter<'route' | 'status'>;
  readonly #httpDuration: Histogram<'route'>;
  readonly #authForwards: Counter<'outcome'>;
  readonly #authDuration: Histogram<'outcome'>;
  readonly #webhookEvents: Counter<'app_id' | 'event'>;
  readonly #webhookRequests: Counter<'app_id' | 'result'>;
  readonly #webhookRetries: Counter<'app_id'>;
  readonly #webhookDropped: Counter<'app_id' | 'reason'>;
  readonly #webhookDuration: Histogram;
  readonly #clusterErrors: Counter<'operation'>;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const sources = () => this.#sources;

    new Gauge({ name: `${p}info`, help: 'Always 1; the version label says what runs.', labelNames: ['version'], registers }).set({ version: options.version }, 1);
    new Gauge({
      name: `${p}connections`, help: 'Open WebSocket connections.', labelNames: ['app_id'], registers,
      collect() {
        const hub = sources().hub;
        if (!hub) return;
        for (const state of hub.states()) this.set({ app_id: state.app.id }, state.connections.size);
      },
    });
    new Gauge({
      name: `${p}channels`, help: 'Occupied channels on this node.', labelNames: ['app_id', 'kind'], registers,
      collect() {
        const hub = sources().hub;
        if (!hub) return;
        for (const state of hub.states()) {
          const counts = new Map<ChannelKind, number>(CHANNEL_KINDS.map((kind) => [kind, 0]));
          for (const channel of state.channels.values()) counts.set(channel.info.kind, (counts.get(channel.info.kind) ?? 0) + 1);
          for (const [kind, n] of counts) this.set({ app_id: state.app.id, kind }, n);
        }
      },
    });
    new Gauge({
      name: `${p}subscriptions`, help: 'Channel subscriptions (one connection on one channel) on this node.', labelNames: ['app_id'], registers,
      collect() {
        const hub = sources().hub;
        if (!hub) return;
        for (const state of hub.states()) {
          let n = 0;
          for (const channel of state.channels.values()) n += channel.subscribers.size;
          this.set({ app_id: state.app.id }, n);
        }
      },
    });
    new Gauge({
      name: `${p}webhook_backlog_events`, help: 'Webhook events waiting for delivery (batching, in flight or retrying).', registers,
      collect() {
        const backlog = sources().webhookBacklog;
        this.set(backlog ? backlog() : 0);
      },
    });

    this.#opened = new Counter({ name: `${p}connections_opened_total`, help: 'WebSocket connections accepted.', labelNames: ['app_id'], registers });
    this.#closed = new Counter({ name: `${p}connections_closed_total`, help: 'WebSocket connections closed, by close code ("other" for codes the server does not know).', labelNames: ['app_id', 'code'], registers });
    this.#rejections = new Counter({ name: `${p}rejections_total`, help: 'Refused handshakes, closes, subscription errors, limits and HTTP API refusals, by code and reason (see `pusher-sidecar codes`).', labelNames: ['code', 'reason'], registers });
    this.#messagesIn = new Counter({ name: `${p}messages_received_total`, help: 'WebSocket messages received from clients.', labelNames: ['app_id'], registers });
    this.#bytesIn = new Counter({ name: `${p}received_bytes_total`, help: 'WebSocket payload bytes received from clients.', labelNames: ['app_id'], registers });
    this.#messagesOut = new Counter({ name: `${p}messages_sent_total`, help: 'Channel messages written to client sockets (one per recipient).', labelNames: ['app_id'], registers });
    this.#bytesOut = new Counter({ name: `${p}sent_bytes_total`, help: 'Channel message bytes written to client sockets.', labelNames: ['app_id'], registers });
    this.#broadcasts = new Histogram({ name: `${p}broadcast_duration_seconds`, help: 'Time to fan one event out to every local subscriber.', buckets: FAST_BUCKETS, registers });
    this.#httpRequests = new Counter({ name: `${p}http_requests_total`, help: 'HTTP API requests by route and status.', labelNames: ['route', 'status'], registers });
    this.#httpDuration = new Histogram({ name: `${p}http_request_duration_seconds`, help: 'HTTP API request duration by route.', labelNames: ['route'], buckets: HTTP_BUCKETS, registers });
    this.#authForwards = new Counter({ name: `${p}auth_forwards_total`, help: 'Channel/user auth requests forwarded to Laravel, by outcome.', labelNames: ['outcome'], registers });
    this.#authDuration = new Histogram({ name: `${p}auth_forward_duration_seconds`, help: 'Latency of auth requests forwarded to Laravel.', labelNames: ['outcome'], buckets: HTTP_BUCKETS, registers });
    this.#webhookEvents = new Counter({ name: `${p}webhook_events_total`, help: 'Webhook events queued for delivery, by event name.', labelNames: ['app_id', 'event'], registers });
    this.#webhookRequests = new Counter({ name: `${p}webhook_requests_total`, help: 'Webhook HTTP requests by result (delivered, retry, rejected).', labelNames: ['app_id', 'result'], registers });
    this.#webhookRetries = new Counter({ name: `${p}webhook_retries_total`, help: 'Webhook requests scheduled for another attempt.', labelNames: ['app_id'], registers });
    this.#webhookDropped = new Counter({ name: `${p}webhook_dropped_events_total`, help: 'Webhook events given up on (queue_full, expired, rejected, shutdown).', labelNames: ['app_id', 'reason'], registers });
    this.#webhookDuration = new Histogram({ name: `${p}webhook_request_duration_seconds`, help: 'Webhook request duration.', buckets: HTTP_BUCKETS, registers });

    this.#clusterErrors = new Counter({ name: `${p}cluster_errors_total`, help: 'Redis cluster operations that failed, and Redis disconnects (operation="disconnect"); local delivery goes on meanwhile.', labelNames: ['operation'], registers });

    // One observation per second of that second's worst event-loop delay: a histogram any number
    // of scrapers can read (histogram_quantile over rate) without resetting each other's window.
    const loopDelay = new Histogram({ name: `${p}event_loop_delay_seconds`, help: 'Worst event-loop delay of each second.', buckets: LOOP_BUCKETS, registers });
    this.#loopMonitor = monitorEventLoopDelay({ resolution: 10 });
    this.#loopMonitor.enable();
    this.#loopTimer = setInterval(() => {
      loopDelay.observe(this.#loopMonitor.max / 1e9);
      this.#loopMonitor.reset();
    }, 1000);
    this.#loopTimer.unref();
  }

  /** Where scrape-time gauges read from; set once the server exists. */
  track(sources: MetricsSources): void {
    this.#sources = { ...this.#sources, ...sources };
  }

  connectionOpened(app: App): void {
    this.#opened.inc({ app_id: app.id });
  }

  connectionClosed(app: App, code: number): void {
    this.#closed.inc({ app_id: app.id, code: closeCodeLabel(code) });
  }

  rejected(info: RejectionInfo): void {
    this.#rejections.inc({ code: String(info.entry.code), reason: info.entry.id });
  }

  messageIn(app: App, bytes: number): void {
    this.#messagesIn.inc({ app_id: app.id });
    this.#bytesIn.inc({ app_id: app.id }, bytes);
  }

  messagesOut(app: App, count: number, bytes: number): void {
    if (count === 0) return;
    this.#messagesOut.inc({ app_id: app.id }, count);
    this.#bytesOut.inc({ app_id: app.id }, bytes);
  }

  broadcastDelivered(_app: App, _recipients: number, seconds: number): void {
    this.#broadcasts.observe(seconds);
  }

  apiRequest(route: string, status: number, seconds: number): void {
    this.#httpRequests.inc({ route, status: String(status) });
    this.#httpDuration.observe({ route }, seconds);
  }

  authForwarded(outcome: string, seconds: number): void {
    this.#authForwards.inc({ outcome });
    this.#authDuration.observe({ outcome }, seconds);
  }

  webhookQueued(appId: string, event: string): void {
    this.#webhookEvents.inc({ app_id: appId, event });
  }

  webhookAttempt(appId: string, result: DeliveryResult['kind'], seconds: number): void {
    this.#webhookRequests.inc({ app_id: appId, result });
    this.#webhookDuration.observe(seconds);
  }

  webhookRetried(appId: string): void {
    this.#webhookRetries.inc({ app_id: appId });
  }

  webhookDropped(appId: string, reason: WebhookDropReason, events: number): void {
    this.#webhookDropped.inc({ app_id: appId, reason }, events);
  }

  clusterError(operation: string): void {
    this.#clusterErrors.inc({ operation });
  }

  async close(): Promise<void> {
    clearInterval(this.#loopTimer);
    this.#loopMonitor.disable();
  }
}
