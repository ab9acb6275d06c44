import type { LoadedConfig } from './config/load-config.js';
import type { Logger } from './logging/logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { MetricsServer } from './metrics/metrics-server.js';
import type { ServerObserver } from './observers.js';
import type { Sidecar } from './server.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

export interface OperationsOptions {
  loaded: Pick<LoadedConfig, 'config' | 'apps'>;
  logger: Logger;
  version: string;
}

/** Webhooks and metrics around one sidecar: observers to pass in, a listener to start, a close. */
export interface Operations {
  readonly observers: ServerObserver[];
  /** Undefined when no app has a webhook receiver. */
  readonly webhooks: WebhookDispatcher | undefined;
  /** Undefined when --metrics-port is 0. */
  readonly metrics: Metrics | undefined;
  /** Starts the /metrics listener (unless disabled), reading gauges from the running sidecar. */
  start(sidecar: Sidecar): Promise<MetricsServer | undefined>;
  /** After `sidecar.close()`: abandons undelivered webhooks (counted, logged), stops /metrics. */
  close(): Promise<void>;
}

/**
 * Loads only what the config uses: prom-client with the metrics, undici with the webhooks. A
 * start with neither stays close to a bare server's memory (see BENCHMARKS.md, idle RSS).
 */
export async function createOperations(options: OperationsOptions): Promise<Operations> {
  const { config, apps } = options.loaded;
  const metrics = config.metricsPort > 0 ? new (await import('./metrics/metrics.js')).Metrics({ version: options.version }) : undefined;
  let webhooks: WebhookDispatcher | undefined;
  if (apps.some((app) => app.webhooks.length > 0)) {
    const { WebhookDispatcher, webhookOptionsFromConfig } = await import('./webhooks/webhook-dispatcher.js');
    webhooks = new WebhookDispatcher({
      ...webhookOptionsFromConfig(config),
      apps,
      logger: options.logger,
      userAgent: `pusher-sidecar/${options.version}`,
      ...(metrics ? { stats: metrics } : {}),
    });
  }
  let server: MetricsServer | undefined;
  const observers: ServerObserver[] = [];
  if (webhooks) observers.push(webhooks);
  if (metrics) observers.push(metrics);
  return {
    observers,
    webhooks,
    metrics,
    async start(sidecar) {
      if (!metrics) return undefined;
      metrics.track({ hub: sidecar.hub, webhookBacklog: () => webhooks?.backlog ?? 0 });
      const { startMetricsServer } = await import('./metrics/metrics-server.js');
      server = await startMetricsServer({ host: config.metricsHost, port: config.metricsPort, registry: metrics.registry, logger: options.logger });
      return server;
    },
    async close() {
      await webhooks?.destroy();
      await server?.close();
    },
  };
}
