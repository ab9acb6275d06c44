import type {
  CachedEvent, ChannelSummary, ClusterState, JoinTransition, LeaveTransition, PresenceMember,
} from './cluster-state.js';
import { LocalChannel } from './local-channel.js';

interface AppRecord {
  channels: Map<string, LocalChannel>;
  cache: Map<string, { event: string; data: string; expiresAt: number }>;
  users: Map<string, Set<string>>;
  connections: number;
}

export interface LocalClusterStateOptions {
  now?: () => number;
}

/** The whole state in this process: one node, so every transition is this node's. */
export class LocalClusterState implements ClusterState {
  readonly shared = false;
  readonly #apps = new Map<string, AppRecord>();
  readonly #now: () => number;

  constructor(options: LocalClusterStateOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  #app(appId: string): AppRecord {
    let app = this.#apps.get(appId);
    if (!app) {
      app = { channels: new Map(), cache: new Map(), users: new Map(), connections: 0 };
      this.#apps.set(appId, app);
    }
    return app;
  }

  async join(appId: string, name: string, socketId: string, member: PresenceMember | undefined, maxMembers: number): Promise<JoinTransition> {
    const app = this.#app(appId);
    let channel = app.channels.get(name);
    const existing = channel?.users?.get(member?.userId ?? '');
    if (member && channel?.users && !existing && channel.users.size >= maxMembers) {
      return { full: true, occupied: false, memberAdded: false, subscriptionCount: channel.size };
    }
    const occupied = channel === undefined;
    if (!channel) {
      channel = new LocalChannel(member ? new Map() : undefined);
      app.channels.set(name, channel);
    }
    if (channel.has(socketId)) {
      return { full: false, occupied: false, memberAdded: false, subscriptionCount: channel.size, ...rosterOf(channel) };
    }
    channel.set(socketId, member?.userId ?? '');
    let memberAdded = false;
    if (member) {
      channel.users ??= new Map();
      const user = channel.users.get(member.userId);
      if (user) {
        user.sockets++;
        user.info = member.info;
      } else {
        channel.users.set(member.userId, { sockets: 1, info: member.info });
        memberAdded = true;
      }
    }
    return { full: false, occupied, memberAdded, subscriptionCount: channel.size, ...rosterOf(channel) };
  }

  async leave(appId: string, name: string, socketId: string): Promise<LeaveTransition> {
    const app = this.#app(appId);
    const channel = app.channels.get(name);
    const userId = channel?.get(socketId);
    if (!channel || userId === undefined) return { left: false, vacated: false, memberRemoved: undefined, subscriptionCount: channel?.size ?? 0 };
    channel.delete(socketId);
    let memberRemoved: string | undefined;
    const user = userId === '' ? undefined : channel.users?.get(userId);
    if (user && --user.sockets === 0) {
      channel.users!.delete(userId);
      memberRemoved = userId;
    }
    const vacated = channel.size === 0;
    if (vacated) app.channels.delete(name);
    return { left: true, vacated, memberRemoved, subscriptionCount: channel.size };
  }

  async channels(appId: string): Promise<Map<string, ChannelSummary>> {
    const out = new Map<string, ChannelSummary>();
    for (const [name, channel] of this.#app(appId).channels) out.set(name, summaryOf(channel));
    return out;
  }

  async channel(appId: string, name: string): Promise<ChannelSummary | undefined> {
    const channel = this.#app(appId).channels.get(name);
    return channel ? summaryOf(channel) : undefined;
  }

  async members(appId: string, name: string): Promise<Map<string, unknown>> {
    return rosterOf(this.#app(appId).channels.get(name) ?? new LocalChannel(undefined)).members ?? new Map();
  }

  async cacheGet(appId: string, name: string): Promise<CachedEvent | undefined> {
    const cache = this.#app(appId).cache;
    const entry = cache.get(name);
    if (!entry) return undefined;
    const ttlMs = entry.expiresAt - this.#now();
    if (ttlMs <= 0) {
      cache.delete(name);
      return undefined;
    }
    return { event: entry.event, data: entry.data, ttlMs };
  }

  cacheSet(appId: string, name: string, event: string, data: string, ttlMs: number): void {
    this.#app(appId).cache.set(name, { event, data, expiresAt: this.#now() + ttlMs });
  }

  /** Drops expired cache- entries; called from the heartbeat sweep so idle entries do not pile up. */
  evictExpired(): void {
    const now = this.#now();
    for (const app of this.#apps.values()) {
      for (const [name, entry] of app.cache) if (entry.expiresAt <= now) app.cache.delete(name);
    }
  }

  async addUserSocket(appId: string, userId: string, socketId: string): Promise<boolean> {
    const users = this.#app(appId).users;
    let sockets = users.get(userId);
    const first = sockets === undefined;
    if (!sockets) {
      sockets = new Set();
      users.set(userId, sockets);
    }
    sockets.add(socketId);
    return first;
  }

  async removeUserSocket(appId: string, userId: string, socketId: string): Promise<boolean> {
    const users = this.#app(appId).users;
    const sockets = users.get(userId);
    if (!sockets?.delete(socketId) || sockets.size > 0) return false;
    users.delete(userId);
    return true;
  }

  async onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]> {
    const users = this.#app(appId).users;
    return userIds.filter((id) => users.has(id));
  }

  async openConnection(appId: string, max: number): Promise<boolean> {
    return this.openConnectionNow(appId, max);
  }

  openConnectionNow(appId: string, max: number): boolean {
    const app = this.#app(appId);
    if (max > 0 && app.connections >= max) return false;
    app.connections++;
    return true;
  }

  closeConnection(appId: string): void {
    this.#app(appId).connections--;
  }

  async appConnectionCount(appId: string): Promise<number> {
    return this.#app(appId).connections;
  }

  async close(): Promise<void> {}
}

function summaryOf(channel: LocalChannel): ChannelSummary {
  const summary: ChannelSummary = { subscriptionCount: channel.size };
  if (channel.users) summary.userCount = channel.users.size;
  return summary;
}

function rosterOf(channel: LocalChannel): { members?: Map<string, unknown> } {
  if (!channel.users) return {};
  const members = new Map<string, unknown>();
  for (const [id, user] of channel.users) members.set(id, user.info);
  return { members };
}
