import type { LoadedConfig } from './config/load-config.js';
import type { Logger } from './logging/logger.js';
import { Metrics } from './metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import type { ServerObserver } from './observers.js';
import type { Sidecar } from './server.js';
import { WebhookDispatcher, webhookOptionsFromConfig } from './webhooks/webhook-dispatcher.js';

export interface OperationsOptions {
  loaded: Pick<LoadedConfig, 'config' | 'apps'>;
  logger: Logger;
  version: string;
}

/** Webhooks and metrics around one sidecar: observers to pass in, a listener to start, a close. */
export interface Operations {
  readonly observers: ServerObserver[];
  readonly webhooks: WebhookDispatcher;
  /** Undefined when --metrics-port is 0. */
  readonly metrics: Metrics | undefined;
  /** Starts the /metrics listener (unless disabled), reading gauges from the running sidecar. */
  start(sidecar: Sidecar): Promise<MetricsServer | undefined>;
  /** After `sidecar.close()`: abandons undelivered webhooks (counted, logged), stops /metrics. */
  close(): Promise<void>;
}

export function createOperations(options: OperationsOptions): Operations {
  const { config, apps } = options.loaded;
  const metrics = config.metricsPort > 0 ? new Metrics({ version: options.version }) : undefined;
  const webhooks = new WebhookDispatcher({
    ...webhookOptionsFromConfig(config),
    apps,
    logger: options.logger,
    userAgent: `pusher-sidecar/${options.version}`,
    ...(metrics ? { stats: metrics } : {}),
  });
  let server: MetricsServer | undefined;
  return {
    observers: metrics ? [webhooks, metrics] : [webhooks],
    webhooks,
    metrics,
    async start(sidecar) {
      if (!metrics) return undefined;
      metrics.track({ hub: sidecar.hub, webhookBacklog: () => webhooks.backlog });
      server = await startMetricsServer({ host: config.metricsHost, port: config.metricsPort, registry: metrics.registry, logger: options.logger });
      return server;
    },
    async close() {
      await webhooks.destroy();
      await server?.close();
    },
  };
}
