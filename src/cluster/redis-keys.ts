/**
 * Where the cluster keeps its state in Redis. Every key of one app shares the hash tag `{appId}`,
 * so a script may touch a channel, the app's channel set and a node's records together (also on
 * Redis Cluster). The prefix keeps two clusters on one Redis apart.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  #app(appId: string): string {
    return `${this.prefix}:{${appId}}`;
  }

  /** Channel subscribers: socket id → "nodeId|userId" (userId empty off presence). */
  sockets(appId: string, channel: string): string {
    return `${this.#app(appId)}:s:${channel}`;
  }

  /** Presence: user id → how many sockets the user has on the channel. */
  users(appId: string, channel: string): string {
    return `${this.#app(appId)}:u:${channel}`;
  }

  /** Presence: user id → user_info JSON. */
  infos(appId: string, channel: string): string {
    return `${this.#app(appId)}:i:${channel}`;
  }

  /** Presence: how many member changes the channel has had (orders member frames against rosters). */
  version(appId: string, channel: string): string {
    return `${this.#app(appId)}:v:${channel}`;
  }

  /** Occupied channels of the app. */
  channels(appId: string): string {
    return `${this.#app(appId)}:channels`;
  }

  /** A cache- channel's last event, expiring with the cache TTL. */
  cache(appId: string, channel: string): string {
    return `${this.#app(appId)}:cache:${channel}`;
  }

  /** Signed-in user → its socket ids anywhere. */
  userSockets(appId: string, userId: string): string {
    return `${this.#app(appId)}:us:${userId}`;
  }

  /** Node id → open sockets of the app on that node (the quota sums it). */
  connections(appId: string): string {
    return `${this.#app(appId)}:conns`;
  }

  /** What a node registered ("channel\nsocketId"), so a survivor can remove it when the node dies. */
  nodeSubscriptions(appId: string, nodeId: string): string {
    return `${this.#app(appId)}:n:${nodeId}`;
  }

  /** A node's signed-in sockets ("userId\nsocketId"). */
  nodeUsers(appId: string, nodeId: string): string {
    return `${this.#app(appId)}:nu:${nodeId}`;
  }

  /** Every node that registered anything (global, not per app). */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }

  lease(nodeId: string): string {
    return `${this.prefix}:lease:${nodeId}`;
  }

  /** Taken (SET NX) by the one survivor that cleans up a dead node. */
  claim(nodeId: string): string {
    return `${this.prefix}:claim:${nodeId}`;
  }

  get bus(): string {
    return `${this.prefix}:bus`;
  }
}
