import type { App } from '../apps/app.js';
import type { Connection } from '../connections/connection.js';
import type { Channel } from './channel.js';

/**
 * One app's sockets on this node: the index local delivery walks. What the cluster agrees on
 * (rosters, counts, cache, who is online) lives in the ClusterState, not here.
 */
export class AppState {
  readonly connections = new Map<string, Connection>();
  readonly channels = new Map<string, Channel>();
  /** Signed-in users on this node → their sockets (server-to-user, watchlists, terminate). */
  readonly users = new Map<string, Set<Connection>>();
  /** (connection, channel) pairs on this node, for --max-subscriptions: kept by the hub's join and leave. */
  subscriptionCount = 0;

  constructor(readonly app: App) {}
}
