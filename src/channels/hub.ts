import type { Adapter } from '../adapter/adapter.js';
import { LocalAdapter } from '../adapter/local-adapter.js';
import type { App } from '../apps/app.js';
import type { AuthForwarder } from '../auth/auth-forwarder.js';
import type { Config } from '../config/schema.js';
import type { Connection } from '../connections/connection.js';
import { OutboundMessage } from '../connections/outbound-message.js';
import type { Logger } from '../logging/logger.js';
import type { Observers } from '../observers.js';
import { describeChannel } from '../protocol/channel-names.js';
import { CODES } from '../protocol/codes.js';
import { channelEventFrame, memberAddedFrame, memberRemovedFrame, watchlistEventsFrame } from '../protocol/server-frames.js';
import { AppState, type JoinResult, type LeaveResult } from './app-state.js';

export interface HubOptions {
  apps: readonly App[];
  config: Config;
  observers: Observers;
  logger: Logger;
  authForwarder?: AuthForwarder;
  now?: () => number;
}

/**
 * Channel membership and fan-out for every app on this node. Message handlers call into it; all
 * delivery goes through the adapter.
 */
export class Hub {
  readonly config: Config;
  readonly observers: Observers;
  readonly logger: Logger;
  readonly authForwarder: AuthForwarder | undefined;
  readonly adapter: Adapter;
  readonly now: () => number;
  readonly #states = new Map<string, AppState>();
  #connectionCount = 0;

  constructor(options: HubOptions) {
    this.config = options.config;
    this.observers = options.observers;
    this.logger = options.logger;
    this.authForwarder = options.authForwarder;
    this.now = options.now ?? Date.now;
    for (const app of options.apps) this.#states.set(app.id, new AppState(app));
    this.adapter = new LocalAdapter({
      state: (appId) => this.#states.get(appId),
      terminate: (connection) => connection.close(CODES.connectionTerminated),
    });
  }

  state(app: App): AppState {
    return this.#states.get(app.id)!;
  }

  states(): IterableIterator<AppState> {
    return this.#states.values();
  }

  get connectionCount(): number {
    return this.#connectionCount;
  }

  /** Subscriptions on this node, every app together (--max-subscriptions). */
  get subscriptionCount(): number {
    let total = 0;
    for (const state of this.#states.values()) total += state.subscriptionCount;
    return total;
  }

  addConnection(connection: Connection): void {
    this.state(connection.app).connections.set(connection.socketId, connection);
    this.#connectionCount++;
  }

  hasSocketId(socketId: string): boolean {
    for (const state of this.#states.values()) if (state.connections.has(socketId)) return true;
    return false;
  }

  removeConnection(connection: Connection): void {
    const state = this.state(connection.app);
    if (!state.connections.delete(connection.socketId)) return;
    this.#connectionCount--;
    connection.pendingChannels.clear();
    for (const name of [...connection.channels.keys()]) {
      const result = state.leave(connection, name);
      if (result) this.afterLeave(connection.app, name, result);
    }
    const user = connection.user;
    if (user && state.removeUser(connection, user.id)) this.#notifyWatchers(state, user.id, 'offline');
  }

  afterJoin(connection: Connection, name: string, result: JoinResult): void {
    const app = connection.app;
    if (result.occupied) this.observers.emit('channelOccupied', app, name);
    if (result.channel.members) {
      if (result.memberAdded) {
        const userId = connection.channels.get(name)!;
        const member = result.channel.members.get(userId);
        this.adapter.broadcast(app.id, name, new OutboundMessage(memberAddedFrame(name, userId, member?.info)), connection.socketId);
        this.observers.emit('memberAdded', app, name, userId);
      }
    } else {
      this.observers.emit('subscriptionCount', app, name, result.channel.subscribers.size);
    }
  }

  afterLeave(app: App, name: string, result: LeaveResult): void {
    if (result.memberRemoved !== undefined) {
      this.adapter.broadcast(app.id, name, new OutboundMessage(memberRemovedFrame(name, result.memberRemoved)));
      this.observers.emit('memberRemoved', app, name, result.memberRemoved);
    }
    if (describeChannel(name).kind !== 'presence') this.observers.emit('subscriptionCount', app, name, result.subscriptionCount);
    if (result.vacated) this.observers.emit('channelVacated', app, name);
  }

  /** HTTP API and client events: one frame per channel, framed once, written to every subscriber. */
  publish(app: App, channels: readonly string[], event: string, data: string, exceptSocketId?: string, userId?: string): number {
    const started = process.hrtime.bigint();
    const state = this.state(app);
    let recipients = 0;
    let bytes = 0;
    for (const name of channels) {
      const message = new OutboundMessage(() => channelEventFrame(event, name, data, userId));
      const delivered = this.adapter.broadcast(app.id, name, message, exceptSocketId);
      recipients += delivered;
      if (delivered > 0) bytes += delivered * message.byteLength;
      if (describeChannel(name).cache && !event.startsWith('client-')) {
        state.cache.set(name, { event, data, expiresAt: this.now() + this.config.cacheTtl * 1000 });
      }
    }
    this.observers.emit('messagesOut', app, recipients, bytes);
    this.observers.emit('broadcastDelivered', app, recipients, Number(process.hrtime.bigint() - started) / 1e9);
    return recipients;
  }

  signIn(connection: Connection): void {
    const state = this.state(connection.app);
    const user = connection.user!;
    const first = state.addUser(connection, user.id);
    const online = user.watchlist.filter((id) => state.users.has(id));
    if (online.length > 0) connection.send(watchlistEventsFrame([{ name: 'online', user_ids: online }]));
    if (first) this.#notifyWatchers(state, user.id, 'online');
  }

  #notifyWatchers(state: AppState, userId: string, name: 'online' | 'offline'): void {
    let frame: string | undefined;
    for (const connections of state.users.values()) {
      for (const watcher of connections) {
        if (!watcher.user?.watchlist.includes(userId)) continue;
        frame ??= watchlistEventsFrame([{ name, user_ids: [userId] }]);
        watcher.send(frame);
      }
    }
  }

  /** Drops expired cache- entries; called from the heartbeat sweep. */
  evictExpiredCache(now: number): void {
    for (const state of this.#states.values()) {
      for (const [name, entry] of state.cache) if (entry.expiresAt <= now) state.cache.delete(name);
    }
  }
}
