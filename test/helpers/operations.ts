/** The operations pieces `serve` wires beside the server (metrics, their endpoint, webhooks), stopped after the test. */
import type { Logger } from '../../src/logging/logger.js';
import { Metrics, type MetricsOptions } from '../../src/metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/webhooks/webhook-dispatcher.js';
import { onCleanup } from './cleanup.js';

export function createMetrics(options: MetricsOptions): Metrics {
  const metrics = new Metrics(options);
  onCleanup(() => metrics.close());
  return metrics;
}

/** /metrics on 127.0.0.1:0. */
export async function startMetricsEndpoint(metrics: Metrics, logger: Logger): Promise<MetricsServer> {
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, logger });
  onCleanup(() => server.close());
  return server;
}

/** Destroyed after the test, once the server (started after it) has closed and flushed into it. */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher(options);
  onCleanup(() => dispatcher.destroy());
  return dispatcher;
}
