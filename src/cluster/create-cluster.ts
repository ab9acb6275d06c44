import type { Config } from '../config/schema.js';
import { laravelRedis } from '../laravel/broadcasting-env.js';
import type { Logger } from '../logging/logger.js';
import type { Bus } from './bus.js';
import type { ClusterState } from './cluster-state.js';
import { LocalBus } from './local-bus.js';
import { LocalClusterState } from './local-cluster-state.js';
import { createRedisCluster } from './redis-cluster.js';
import { redisUrlOf } from './redis-url.js';

/** The shared state and the bus of one node, as --adapter chose them. */
export interface Cluster {
  state: ClusterState;
  bus: Bus;
  /** Named in /ready's answer while false (e.g. "redis"). */
  readiness?: { name: string; isReady(): boolean };
  /** Starts background work (leases, subscriptions); resolves once the node can serve. */
  start(): Promise<void>;
  /** Graceful stop: removes this node's entries, then disconnects. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  config: Readonly<Config>;
  appIds: readonly string[];
  logger: Logger;
  now?: () => number;
  /** Names this node in logs, e.g. "worker-2". */
  nodeName?: string;
  onError?(operation: string): void;
  onResynced?(): void;
}

/**
 * The Redis URL when cluster mode is on, else undefined. loadConfig fills --redis-url from
 * Laravel's own Redis settings under --adapter redis (src/laravel reads them); a config built
 * without it gets Laravel's defaults, as Laravel would with no REDIS_* set.
 */
export function clusterRedisUrl(config: Readonly<Config>): string | undefined {
  if (config.redisUrl !== '') return config.redisUrl;
  if (config.adapter !== 'redis') return undefined;
  const defaults = laravelRedis({});
  return defaults.ok ? redisUrlOf(defaults.value) : undefined;
}

export function createLocalCluster(options: ClusterOptions): Cluster {
  const state = new LocalClusterState(options.now ? { now: options.now } : {});
  const bus = new LocalBus();
  return { state, bus, start: async () => {}, close: async () => {} };
}

/** One process (local) or a node of a Redis cluster (--adapter redis, or --redis-url alone). */
export function createCluster(options: ClusterOptions): Cluster {
  const url = clusterRedisUrl(options.config);
  if (url === undefined) return createLocalCluster(options);
  return createRedisCluster({
    url, prefix: options.config.redisPrefix, appIds: options.appIds, leaseTtlMs: options.config.nodeLeaseTtl * 1000,
    logger: options.logger,
    ...(options.nodeName ? { nodeName: options.nodeName } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onResynced ? { onResynced: options.onResynced } : {}),
  });
}
