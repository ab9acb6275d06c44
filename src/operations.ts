import type { LoadedConfig } from './config/load-config.js';
import type { DebugConsole, DebugConsoleOptions } from './console/debug-console.js';
import { dashboardExposureWarning } from './console/exposure-warning.js';
import type { Logger } from './logging/logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { MetricsServer } from './metrics/metrics-server.js';
import type { ServerObserver } from './observers.js';
import type { Sidecar } from './server.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { combineWebhookStats } from './webhooks/webhook-stats.js';

export interface OperationsOptions {
  loaded: Pick<LoadedConfig, 'config' | 'apps'>;
  logger: Logger;
  version: string;
  /** The Laravel project the console's doctor checks (default: the working directory). */
  doctor?: DebugConsoleOptions['doctor'];
}

/** Webhooks, metrics and the debug console around one sidecar: observers to pass in, a listener to start, a close. */
export interface Operations {
  readonly observers: ServerObserver[];
  /** Undefined when no app has a webhook receiver. */
  readonly webhooks: WebhookDispatcher | undefined;
  /** Undefined when --metrics-port is 0. */
  readonly metrics: Metrics | undefined;
  /** Undefined when --metrics-port is 0 or --dashboard is false. */
  readonly console: DebugConsole | undefined;
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
  const debugConsole = metrics && config.dashboard
    ? (await import('./console/debug-console.js')).createDebugConsole({
      config, logger: options.logger, registry: metrics.registry, version: options.version,
      ...(options.doctor ? { doctor: options.doctor } : {}),
    })
    : undefined;
  const stats = [metrics, debugConsole?.local].filter((s) => s !== undefined);
  let webhooks: WebhookDispatcher | undefined;
  if (apps.some((app) => app.webhooks.length > 0)) {
    const { WebhookDispatcher, webhookOptionsFromConfig } = await import('./webhooks/webhook-dispatcher.js');
    webhooks = new WebhookDispatcher({
      ...webhookOptionsFromConfig(config),
      apps,
      logger: options.logger,
      userAgent: `pusher-sidecar/${options.version}`,
      ...(stats.length > 0 ? { stats: combineWebhookStats(stats) } : {}),
    });
  }
  let server: MetricsServer | undefined;
  const observers: ServerObserver[] = [];
  if (webhooks) observers.push(webhooks);
  if (metrics) observers.push(metrics);
  if (debugConsole) observers.push(debugConsole.local);
  return {
    observers,
    webhooks,
    metrics,
    console: debugConsole,
    async start(sidecar) {
      if (!metrics) return undefined;
      metrics.track({ hub: sidecar.hub, webhookBacklog: () => webhooks?.backlog ?? 0 });
      debugConsole?.attach(sidecar.hub);
      const { startMetricsServer } = await import('./metrics/metrics-server.js');
      server = await startMetricsServer({
        host: config.metricsHost, port: config.metricsPort, registry: metrics.registry, logger: options.logger,
        ...(debugConsole ? { routes: debugConsole.handle } : {}),
      });
      if (debugConsole) {
        options.logger.info({ url: `${server.origin}/` }, `debug console on ${server.origin}/`);
        const warning = dashboardExposureWarning(config);
        if (warning) options.logger.warn({ metricsHost: config.metricsHost }, warning);
      }
      return server;
    },
    async close() {
      debugConsole?.close();
      await webhooks?.destroy();
      await server?.close();
    },
  };
}
