import type { Redis } from 'ioredis';
import type {
  CachedEvent, ChannelSummary, ClusterState, JoinTransition, LeaveTransition, OrphanHandler, PresenceMember,
} from './cluster-state.js';
import { ClusterUnavailableError } from './cluster-unavailable-error.js';
import type { RedisKeys } from './redis-keys.js';
import { JOIN_SCRIPT, LEAVE_SCRIPT, OPEN_CONNECTION_SCRIPT, USER_SCRIPT } from './redis-scripts.js';

type JoinReply = [number, number, number, number, string[], number];
type LeaveReply = [number, number, string, number, number];

/** The scripts as ioredis commands (EVALSHA, loaded again by ioredis after a Redis restart). */
interface ScriptCommands {
  sidecarJoin(...args: Array<string | number>): Promise<JoinReply>;
  sidecarLeave(...args: string[]): Promise<LeaveReply>;
  sidecarUser(...args: string[]): Promise<number>;
  sidecarOpen(...args: Array<string | number>): Promise<number>;
}

export interface RedisClusterStateOptions {
  redis: Redis;
  keys: RedisKeys;
  nodeId: string;
  appIds: readonly string[];
  /** A Redis command failed (Redis down or restarting); the caller counts and logs it. */
  onError(operation: string, err: unknown): void;
}

const NOTHING_LEFT: LeaveTransition = { left: false, vacated: false, memberRemoved: undefined, subscriptionCount: 0 };

function entry(first: string, second: string): string {
  return `${first}\n${second}`;
}

function splitEntry(value: string): [string, string] {
  const at = value.indexOf('\n');
  return [value.slice(0, at), value.slice(at + 1)];
}

function parseRoster(flat: string[]): Map<string, unknown> {
  const members = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) members.set(flat[i]!, JSON.parse(flat[i + 1]!));
  return members;
}

/**
 * The cluster state in Redis. Alongside, it keeps what this node registered (its mirror), which
 * is what it re-registers after Redis comes back and what it falls back to while Redis is away:
 * local sockets keep being served, their state is made whole on reconnect.
 */
export class RedisClusterState implements ClusterState {
  readonly shared = true;
  readonly #redis: Redis & ScriptCommands;
  readonly #keys: RedisKeys;
  readonly #node: string;
  readonly #appIds: readonly string[];
  readonly #onError: RedisClusterStateOptions['onError'];
  /** app → channel → socket id → presence member (undefined off presence). */
  readonly #subscriptions = new Map<string, Map<string, Map<string, PresenceMember | undefined>>>();
  /** app → user id → socket ids. */
  readonly #users = new Map<string, Map<string, Set<string>>>();
  readonly #connections = new Map<string, number>();
  #orphans: OrphanHandler | undefined;

  constructor(options: RedisClusterStateOptions) {
    this.#redis = options.redis as Redis & ScriptCommands;
    this.#keys = options.keys;
    this.#node = options.nodeId;
    this.#appIds = options.appIds;
    this.#onError = options.onError;
    this.#redis.defineCommand('sidecarJoin', { numberOfKeys: 6, lua: JOIN_SCRIPT });
    this.#redis.defineCommand('sidecarLeave', { numberOfKeys: 6, lua: LEAVE_SCRIPT });
    this.#redis.defineCommand('sidecarUser', { numberOfKeys: 2, lua: USER_SCRIPT });
    this.#redis.defineCommand('sidecarOpen', { numberOfKeys: 1, lua: OPEN_CONNECTION_SCRIPT });
  }

  onOrphans(handler: OrphanHandler): void {
    this.#orphans = handler;
  }

  #channelKeys(appId: string, channel: string, nodeId: string): string[] {
    const k = this.#keys;
    return [k.sockets(appId, channel), k.users(appId, channel), k.infos(appId, channel), k.channels(appId), k.nodeSubscriptions(appId, nodeId), k.version(appId, channel)];
  }

  #runJoin(appId: string, channel: string, socketId: string, member: PresenceMember | undefined, maxMembers: number): Promise<JoinReply> {
    return this.#redis.sidecarJoin(
      ...this.#channelKeys(appId, channel, this.#node),
      socketId, this.#node, member?.userId ?? '', member ? JSON.stringify(member.info ?? {}) : '', maxMembers, channel, entry(channel, socketId),
    );
  }

  async #runLeave(appId: string, channel: string, socketId: string, nodeId: string): Promise<LeaveTransition> {
    const [left, vacated, removed, count, version] = await this.#redis.sidecarLeave(...this.#channelKeys(appId, channel, nodeId), socketId, channel, entry(channel, socketId));
    const transition: LeaveTransition = { left: left === 1, vacated: vacated === 1, memberRemoved: removed === '' ? undefined : removed, subscriptionCount: count };
    if (version > 0) transition.version = version;
    return transition;
  }

  async join(appId: string, channel: string, socketId: string, member: PresenceMember | undefined, maxMembers: number): Promise<JoinTransition> {
    let sockets = this.#subscriptions.get(appId)?.get(channel);
    try {
      const [status, occupied, added, count, roster, version] = await this.#runJoin(appId, channel, socketId, member, maxMembers);
      if (status === -1) return { full: true, occupied: false, memberAdded: false, subscriptionCount: count };
      sockets = this.#mirror(appId, channel);
      sockets.set(socketId, member);
      const result: JoinTransition = { full: false, occupied: occupied === 1, memberAdded: added === 1, subscriptionCount: count };
      if (member) {
        result.members = parseRoster(roster);
        result.version = version;
      }
      return result;
    } catch (err) {
      // Redis away: serve the socket from this node's own knowledge; re-registered on reconnect.
      this.#onError('join', err);
      sockets = this.#mirror(appId, channel);
      sockets.set(socketId, member);
      const result: JoinTransition = { full: false, occupied: false, memberAdded: false, subscriptionCount: sockets.size };
      if (member) {
        result.members = new Map();
        for (const m of sockets.values()) if (m) result.members.set(m.userId, m.info);
      }
      return result;
    }
  }

  #mirror(appId: string, channel: string): Map<string, PresenceMember | undefined> {
    let channels = this.#subscriptions.get(appId);
    if (!channels) {
      channels = new Map();
      this.#subscriptions.set(appId, channels);
    }
    let sockets = channels.get(channel);
    if (!sockets) {
      sockets = new Map();
      channels.set(channel, sockets);
    }
    return sockets;
  }

  async leave(appId: string, channel: string, socketId: string): Promise<LeaveTransition> {
    const channels = this.#subscriptions.get(appId);
    const sockets = channels?.get(channel);
    if (sockets?.delete(socketId) && sockets.size === 0) channels!.delete(channel);
    try {
      return await this.#runLeave(appId, channel, socketId, this.#node);
    } catch (err) {
      // Left in Redis for now; the reconnect resync removes it and applies the transitions then.
      this.#onError('leave', err);
      return NOTHING_LEFT;
    }
  }

  /** HTTP API reads: an unreachable Redis is a 503, not a wrong answer from this node alone. */
  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      this.#onError('read', err);
      throw new ClusterUnavailableError(err);
    }
  }

  channels(appId: string): Promise<Map<string, ChannelSummary>> {
    return this.#read(() => this.#channels(appId));
  }

  async #channels(appId: string): Promise<Map<string, ChannelSummary>> {
    const names = await this.#redis.smembers(this.#keys.channels(appId));
    const pipeline = this.#redis.pipeline();
    for (const name of names) pipeline.hlen(this.#keys.sockets(appId, name)).hlen(this.#keys.users(appId, name));
    const replies = (await pipeline.exec()) ?? [];
    const out = new Map<string, ChannelSummary>();
    names.forEach((name, i) => {
      const subscriptionCount = Number(replies[2 * i]?.[1] ?? 0);
      if (subscriptionCount === 0) return;
      const summary: ChannelSummary = { subscriptionCount };
      if (name.startsWith('presence-')) summary.userCount = Number(replies[2 * i + 1]?.[1] ?? 0);
      out.set(name, summary);
    });
    return out;
  }

  channel(appId: string, name: string): Promise<ChannelSummary | undefined> {
    return this.#read(() => this.#channel(appId, name));
  }

  async #channel(appId: string, name: string): Promise<ChannelSummary | undefined> {
    const [[, sockets], [, users]] = (await this.#redis.pipeline().hlen(this.#keys.sockets(appId, name)).hlen(this.#keys.users(appId, name)).exec()) as [[unknown, number], [unknown, number]];
    if (sockets === 0) return undefined;
    const summary: ChannelSummary = { subscriptionCount: sockets };
    if (name.startsWith('presence-')) summary.userCount = users;
    return summary;
  }

  async members(appId: string, name: string): Promise<Map<string, unknown>> {
    const infos = await this.#read(() => this.#redis.hgetall(this.#keys.infos(appId, name)));
    return new Map(Object.entries(infos).map(([id, info]) => [id, JSON.parse(info) as unknown]));
  }

  async cacheGet(appId: string, name: string): Promise<CachedEvent | undefined> {
    try {
      const key = this.#keys.cache(appId, name);
      const [[, value], [, ttl]] = (await this.#redis.pipeline().get(key).pttl(key).exec()) as [[unknown, string | null], [unknown, number]];
      if (value === null || ttl <= 0) return undefined;
      const { event, data } = JSON.parse(value) as { event: string; data: string };
      return { event, data, ttlMs: ttl };
    } catch (err) {
      this.#onError('cache', err);
      return undefined;
    }
  }

  cacheSet(appId: string, name: string, event: string, data: string, ttlMs: number): void {
    this.#redis.set(this.#keys.cache(appId, name), JSON.stringify({ event, data }), 'PX', ttlMs).catch((err: unknown) => this.#onError('cache', err));
  }

  #userMirror(appId: string): Map<string, Set<string>> {
    let users = this.#users.get(appId);
    if (!users) {
      users = new Map();
      this.#users.set(appId, users);
    }
    return users;
  }

  #runUser(appId: string, userId: string, socketId: string, nodeId: string, add: boolean): Promise<number> {
    return this.#redis.sidecarUser(this.#keys.userSockets(appId, userId), this.#keys.nodeUsers(appId, nodeId), socketId, entry(userId, socketId), add ? '1' : '0');
  }

  async addUserSocket(appId: string, userId: string, socketId: string): Promise<boolean> {
    const users = this.#userMirror(appId);
    let sockets = users.get(userId);
    if (!sockets) {
      sockets = new Set();
      users.set(userId, sockets);
    }
    sockets.add(socketId);
    try {
      return (await this.#runUser(appId, userId, socketId, this.#node, true)) === 1;
    } catch (err) {
      this.#onError('user', err);
      return false;
    }
  }

  async removeUserSocket(appId: string, userId: string, socketId: string): Promise<boolean> {
    const users = this.#userMirror(appId);
    const sockets = users.get(userId);
    if (sockets?.delete(socketId) && sockets.size === 0) users.delete(userId);
    try {
      return (await this.#runUser(appId, userId, socketId, this.#node, false)) === 1;
    } catch (err) {
      this.#onError('user', err);
      return false;
    }
  }

  async onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]> {
    try {
      const pipeline = this.#redis.pipeline();
      for (const id of userIds) pipeline.exists(this.#keys.userSockets(appId, id));
      const replies = (await pipeline.exec()) ?? [];
      return userIds.filter((_, i) => replies[i]?.[1] === 1);
    } catch (err) {
      this.#onError('user', err);
      const local = this.#users.get(appId);
      return userIds.filter((id) => local?.has(id));
    }
  }

  async openConnection(appId: string, max: number): Promise<boolean> {
    this.#connections.set(appId, (this.#connections.get(appId) ?? 0) + 1);
    try {
      if ((await this.#redis.sidecarOpen(this.#keys.connections(appId), this.#node, max)) === 1) return true;
    } catch (err) {
      // Redis away: this node's own guard (--max-connections, the app quota per node) still holds.
      this.#onError('connections', err);
      return true;
    }
    this.#connections.set(appId, (this.#connections.get(appId) ?? 1) - 1);
    return false;
  }

  closeConnection(appId: string): void {
    this.#connections.set(appId, (this.#connections.get(appId) ?? 1) - 1);
    this.#redis.hincrby(this.#keys.connections(appId), this.#node, -1).catch((err: unknown) => this.#onError('connections', err));
  }

  async appConnectionCount(appId: string): Promise<number> {
    const counts = await this.#read(() => this.#redis.hvals(this.#keys.connections(appId)));
    return counts.reduce((sum, n) => sum + Number(n), 0);
  }

  /**
   * After Redis comes back (or forgot this node): removes what this node registered but no longer
   * has (those are real departures: their transitions are applied), then registers everything it
   * has. Both steps are idempotent, so repeating a resync is harmless.
   */
  async resync(): Promise<void> {
    for (const appId of this.#appIds) {
      const registered = await this.#redis.smembers(this.#keys.nodeSubscriptions(appId, this.#node));
      for (const value of registered) {
        const [channel, socketId] = splitEntry(value);
        if (this.#subscriptions.get(appId)?.get(channel)?.has(socketId)) continue;
        const transition = await this.#runLeave(appId, channel, socketId, this.#node);
        if (transition.left) this.#orphans?.leave(appId, channel, transition);
      }
      for (const [channel, sockets] of this.#subscriptions.get(appId) ?? []) {
        for (const [socketId, member] of sockets) await this.#runJoin(appId, channel, socketId, member, Number.MAX_SAFE_INTEGER);
      }
      const signedIn = await this.#redis.smembers(this.#keys.nodeUsers(appId, this.#node));
      for (const value of signedIn) {
        const [userId, socketId] = splitEntry(value);
        if (this.#users.get(appId)?.get(userId)?.has(socketId)) continue;
        if ((await this.#runUser(appId, userId, socketId, this.#node, false)) === 1) this.#orphans?.userOffline(appId, userId);
      }
      for (const [userId, sockets] of this.#users.get(appId) ?? []) {
        for (const socketId of sockets) await this.#runUser(appId, userId, socketId, this.#node, true);
      }
      await this.#redis.hset(this.#keys.connections(appId), this.#node, this.#connections.get(appId) ?? 0);
    }
  }

  /**
   * Removes everything a node registered, applying the transitions here (member_removed, webhooks):
   * a dead node's entries, claimed by this survivor, or this node's own on shutdown.
   */
  async removeNode(nodeId: string): Promise<void> {
    for (const appId of this.#appIds) {
      const registered = await this.#redis.smembers(this.#keys.nodeSubscriptions(appId, nodeId));
      for (const value of registered) {
        const [channel, socketId] = splitEntry(value);
        const transition = await this.#runLeave(appId, channel, socketId, nodeId);
        if (transition.left) this.#orphans?.leave(appId, channel, transition);
      }
      const signedIn = await this.#redis.smembers(this.#keys.nodeUsers(appId, nodeId));
      for (const value of signedIn) {
        const [userId, socketId] = splitEntry(value);
        if ((await this.#runUser(appId, userId, socketId, nodeId, false)) === 1) this.#orphans?.userOffline(appId, userId);
      }
      await this.#redis.pipeline()
        .hdel(this.#keys.connections(appId), nodeId)
        .del(this.#keys.nodeSubscriptions(appId, nodeId), this.#keys.nodeUsers(appId, nodeId))
        .exec();
    }
  }

  async close(): Promise<void> {}
}
