import type { App } from '../apps/app.js';
import type { Connection } from '../connections/connection.js';
import { describeChannel } from '../protocol/channel-names.js';
import { Channel } from './channel.js';

export interface CachedEvent {
  event: string;
  data: string;
  expiresAt: number;
}

export interface JoinResult {
  channel: Channel;
  /** First subscriber: the channel became occupied. */
  occupied: boolean;
  /** Presence: this user's first connection on the channel. */
  memberAdded: boolean;
}

export interface LeaveResult {
  vacated: boolean;
  /** Presence: the user's last connection left. */
  memberRemoved: string | undefined;
  subscriptionCount: number;
}

/** Everything one app has on this node: connections, channels, signed-in users, cached events. */
export class AppState {
  readonly connections = new Map<string, Connection>();
  readonly channels = new Map<string, Channel>();
  readonly users = new Map<string, Set<Connection>>();
  readonly cache = new Map<string, CachedEvent>();
  /** (connection, channel) pairs, for --max-subscriptions: counted here, where every join and leave passes. */
  subscriptionCount = 0;

  constructor(readonly app: App) {}

  join(connection: Connection, name: string, member?: { userId: string; info: unknown }): JoinResult {
    let channel = this.channels.get(name);
    const occupied = channel === undefined;
    if (!channel) {
      channel = new Channel(name, describeChannel(name));
      this.channels.set(name, channel);
    }
    channel.subscribers.add(connection);
    if (!connection.channels.has(name)) this.subscriptionCount++;
    connection.channels.set(name, member?.userId);
    let memberAdded = false;
    if (member && channel.members) {
      const existing = channel.members.get(member.userId);
      if (existing) {
        existing.connections.add(connection);
        existing.info = member.info;
      } else {
        channel.members.set(member.userId, { info: member.info, connections: new Set([connection]) });
        memberAdded = true;
      }
    }
    return { channel, occupied, memberAdded };
  }

  leave(connection: Connection, name: string): LeaveResult | undefined {
    const channel = this.channels.get(name);
    if (!channel || !connection.channels.has(name)) return undefined;
    const userId = connection.channels.get(name);
    connection.channels.delete(name);
    this.subscriptionCount--;
    channel.subscribers.delete(connection);
    let memberRemoved: string | undefined;
    if (userId !== undefined && channel.members) {
      const member = channel.members.get(userId);
      if (member) {
        member.connections.delete(connection);
        if (member.connections.size === 0) {
          channel.members.delete(userId);
          memberRemoved = userId;
        }
      }
    }
    const vacated = channel.subscribers.size === 0;
    if (vacated) this.channels.delete(name);
    return { vacated, memberRemoved, subscriptionCount: channel.subscribers.size };
  }

  addUser(connection: Connection, userId: string): boolean {
    let set = this.users.get(userId);
    const first = set === undefined;
    if (!set) {
      set = new Set();
      this.users.set(userId, set);
    }
    set.add(connection);
    return first;
  }

  /** True when that was the user's last signed-in connection. */
  removeUser(connection: Connection, userId: string): boolean {
    const set = this.users.get(userId);
    if (!set) return false;
    set.delete(connection);
    if (set.size > 0) return false;
    this.users.delete(userId);
    return true;
  }

  cachedEvent(name: string, now: number): CachedEvent | undefined {
    const entry = this.cache.get(name);
    if (entry && entry.expiresAt <= now) {
      this.cache.delete(name);
      return undefined;
    }
    return entry;
  }
}
