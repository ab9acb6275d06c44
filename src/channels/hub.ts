import type { App } from '../apps/app.js';
import type { AuthForwarder } from '../auth/auth-forwarder.js';
import type { Bus, BusMessage } from '../cluster/bus.js';
import type { ClusterState, JoinTransition, LeaveTransition, PresenceMember } from '../cluster/cluster-state.js';
import type { Config } from '../config/schema.js';
import type { Connection } from '../connections/connection.js';
import { OutboundMessage } from '../connections/outbound-message.js';
import type { Logger } from '../logging/logger.js';
import type { Observers } from '../observers.js';
import { describeChannel, isCacheChannel } from '../protocol/channel-names.js';
import { CODES } from '../protocol/codes.js';
import { channelEventFrame, memberAddedFrame, memberRemovedFrame, subscriptionCountFrame, watchlistEventsFrame } from '../protocol/server-frames.js';
import { CountThrottle } from '../webhooks/count-throttle.js';
import { AppState } from './app-state.js';
import { Channel } from './channel.js';

/**
 * How long a node remembers member frames: far longer than a Redis reply and a pub/sub message can
 * be reordered between two connections, bounded so a busy roster cannot grow it without end.
 */
const RECENT_MEMBER_FRAMES_MS = 10_000;
const MAX_RECENT_MEMBER_FRAMES = 2000;

export interface HubOptions {
  apps: readonly App[];
  config: Readonly<Config>;
  observers: Observers;
  logger: Logger;
  /** Shared state (local or Redis), made where the server is assembled. */
  state: ClusterState;
  bus: Bus;
  authForwarder?: AuthForwarder;
  now?: () => number;
}

/**
 * This node's sockets and channels, and the orchestration around the cluster state: it applies
 * join/leave transitions (frames, observers) and delivers events to local subscribers, telling the
 * other nodes through the bus.
 */
export class Hub {
  readonly config: Readonly<Config>;
  readonly observers: Observers;
  readonly logger: Logger;
  readonly authForwarder: AuthForwarder | undefined;
  readonly cluster: ClusterState;
  readonly bus: Bus;
  readonly now: () => number;
  readonly #states = new Map<string, AppState>();
  readonly #stateList: AppState[] = [];
  /** Cluster leaves and sign-outs still running, so shutdown can wait for their webhooks. */
  readonly #inFlight = new Set<Promise<void>>();
  /**
   * Presence in a cluster: the member frames of the last seconds per app and channel, so a socket
   * whose roster came back after a newer frame arrived still gets that frame.
   */
  readonly #recentMemberFrames = new Map<string, Array<{ version: number; frame: string; except: string | undefined; at: number }>>();
  /** Apps with subscriptionCount on: Pusher's pacing of the count frames, per channel. */
  readonly #countFrames = new Map<string, CountThrottle>();
  #connectionCount = 0;

  constructor(options: HubOptions) {
    this.config = options.config;
    this.observers = options.observers;
    this.logger = options.logger;
    this.authForwarder = options.authForwarder;
    this.cluster = options.state;
    this.bus = options.bus;
    this.now = options.now ?? Date.now;
    for (const app of options.apps) {
      const state = new AppState(app);
      this.#states.set(app.id, state);
      this.#stateList.push(state);
      if (app.subscriptionCount) {
        this.#countFrames.set(app.id, new CountThrottle((channel, count) => this.broadcastFrame(app, channel, subscriptionCountFrame(channel, count))));
      }
    }
    this.bus.onMessage((message) => this.#fromBus(message));
    this.cluster.onOrphans?.({
      leave: (appId, channel, transition) => {
        const state = this.#states.get(appId);
        if (state) this.#applyLeave(state.app, channel, transition);
      },
      userOffline: (appId, userId) => {
        const state = this.#states.get(appId);
        if (state) this.#announceWatch(state.app, userId, false);
      },
    });
  }

  state(app: App): AppState {
    return this.#states.get(app.id)!;
  }

  states(): IterableIterator<AppState> {
    return this.#states.values();
  }

  /** Open sockets on this node (--max-connections is per node). */
  get connectionCount(): number {
    return this.#connectionCount;
  }

  /**
   * Counts a new socket against its app's quota across the cluster: false when over. A state that
   * can answer at once (local: the handshake guard already checked this node's count) answers
   * with a boolean, so a handshake makes no promise.
   */
  admit(app: App): boolean | Promise<boolean> {
    const max = this.cluster.shared ? app.maxConnections : 0;
    if (this.cluster.openConnectionNow) return this.cluster.openConnectionNow(app.id, max);
    return this.cluster.openConnection(app.id, max);
  }

  /** Subscriptions on this node, every app together (--max-subscriptions). */
  get subscriptionCount(): number {
    let total = 0;
    for (const state of this.#stateList) total += state.subscriptionCount;
    return total;
  }

  addConnection(connection: Connection): void {
    this.state(connection.app).connections.set(connection.socketId, connection);
    this.#connectionCount++;
  }

  hasSocketId(socketId: string): boolean {
    // Every handshake asks: an array walk, not a Map iterator.
    for (const state of this.#stateList) if (state.connections.has(socketId)) return true;
    return false;
  }

  removeConnection(connection: Connection): void {
    const state = this.state(connection.app);
    if (!state.connections.delete(connection.socketId)) return;
    this.#connectionCount--;
    this.cluster.closeConnection(connection.app.id);
    connection.clearPending();
    for (const name of [...connection.channels.keys()]) this.leave(connection, name);
    const user = connection.user;
    if (user) this.#signOut(connection, user.id);
  }

  /**
   * Subscribes in the cluster state, then in this node's index. Undefined when the socket closed
   * or unsubscribed meanwhile (the join is then undone).
   */
  async join(connection: Connection, name: string, member: PresenceMember | undefined): Promise<JoinTransition | undefined> {
    const app = connection.app;
    connection.addPending(name);
    const result = await this.cluster.join(app.id, name, connection.socketId, member, this.config.maxPresenceMembers);
    if (!connection.deletePending(name) || connection.closed) {
      if (!result.full) this.#applyLeave(app, name, await this.cluster.leave(app.id, name, connection.socketId));
      return undefined;
    }
    if (result.full) return result;
    const state = this.state(app);
    let channel = state.channels.get(name);
    if (!channel) {
      channel = new Channel(name, describeChannel(name));
      state.channels.set(name, channel);
    }
    channel.subscribers.add(connection);
    if (result.version !== undefined) (channel.rosterVersions ??= new Map()).set(connection, result.version);
    if (!connection.channels.has(name)) state.subscriptionCount++;
    connection.channels.set(name, member?.userId);
    return result;
  }

  /** The transitions' consequences, once the subscriber has its subscription_succeeded. */
  afterJoin(connection: Connection, name: string, result: JoinTransition): void {
    const app = connection.app;
    if (result.occupied) this.observers.emit('channelOccupied', app, name);
    if (result.members) {
      if (result.version !== undefined) this.#replayMemberFrames(connection, name, result.version);
      if (result.memberAdded) {
        const userId = connection.channels.get(name)!;
        this.#memberFrame(app, name, memberAddedFrame(name, userId, result.members.get(userId)), result.version, connection.socketId);
        this.observers.emit('memberAdded', app, name, userId);
      }
    } else {
      this.observers.emit('subscriptionCount', app, name, result.subscriptionCount);
      this.#countFrames.get(app.id)?.update(name, result.subscriptionCount);
    }
  }

  /** False when the socket was not subscribed here. The cluster leave completes asynchronously. */
  leave(connection: Connection, name: string): boolean {
    if (!connection.channels.has(name)) return false;
    connection.channels.delete(name);
    const state = this.state(connection.app);
    state.subscriptionCount--;
    const channel = state.channels.get(name);
    if (channel) {
      channel.subscribers.delete(connection);
      channel.rosterVersions?.delete(connection);
      if (channel.subscribers.size === 0) state.channels.delete(name);
    }
    const app = connection.app;
    this.#track(this.cluster.leave(app.id, name, connection.socketId).then(
      (result) => this.#applyLeave(app, name, result),
      (err: unknown) => this.logger.error({ err, channel: name }, 'leave failed'),
    ));
    return true;
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves when the leaves and sign-outs started so far have been applied. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #applyLeave(app: App, name: string, result: LeaveTransition): void {
    if (!result.left) return;
    if (result.memberRemoved !== undefined) {
      this.#memberFrame(app, name, memberRemovedFrame(name, result.memberRemoved), result.version);
      this.observers.emit('memberRemoved', app, name, result.memberRemoved);
    }
    if (describeChannel(name).kind !== 'presence') {
      this.observers.emit('subscriptionCount', app, name, result.subscriptionCount);
      // Nobody is left to tell when the channel emptied.
      if (!result.vacated) this.#countFrames.get(app.id)?.update(name, result.subscriptionCount);
    }
    if (result.vacated) this.observers.emit('channelVacated', app, name);
  }

  /** Writes one pre-framed message to this node's subscribers of a channel; returns how many got it. */
  deliverLocal(appId: string, name: string, message: OutboundMessage, exceptSocketId?: string): number {
    const channel = this.#states.get(appId)?.channels.get(name);
    if (!channel) return 0;
    let delivered = 0;
    for (const connection of channel.subscribers) {
      if (connection.socketId === exceptSocketId) continue;
      if (connection.sendMessage(message)) delivered++;
    }
    return delivered;
  }

  /** A ready-made frame (member_added, member_removed) to a channel's subscribers on every node. */
  broadcastFrame(app: App, name: string, frame: string, exceptSocketId?: string): void {
    this.deliverLocal(app.id, name, new OutboundMessage(frame), exceptSocketId);
    if (this.bus.shared) this.bus.publish({ t: 'frame', app: app.id, channel: name, frame, ...(exceptSocketId ? { except: exceptSocketId } : {}) });
  }

  /** member_added / member_removed on every node; versioned when the state is shared. */
  #memberFrame(app: App, name: string, frame: string, version: number | undefined, exceptSocketId?: string): void {
    if (version === undefined) {
      this.broadcastFrame(app, name, frame, exceptSocketId);
      return;
    }
    this.#deliverMemberFrame(app.id, name, frame, version, exceptSocketId);
    this.bus.publish({ t: 'frame', app: app.id, channel: name, frame, v: version, ...(exceptSocketId ? { except: exceptSocketId } : {}) });
  }

  /** Delivers to local subscribers whose roster predates the change, and remembers it a while. */
  #deliverMemberFrame(appId: string, name: string, frame: string, version: number, exceptSocketId: string | undefined): void {
    const key = `${appId}\0${name}`;
    const now = this.now();
    let recent = this.#recentMemberFrames.get(key);
    if (!recent) {
      recent = [];
      this.#recentMemberFrames.set(key, recent);
    }
    while (recent.length > 0 && (now - recent[0]!.at > RECENT_MEMBER_FRAMES_MS || recent.length >= MAX_RECENT_MEMBER_FRAMES)) recent.shift();
    recent.push({ version, frame, except: exceptSocketId, at: now });
    const channel = this.#states.get(appId)?.channels.get(name);
    if (!channel) return;
    let message: OutboundMessage | undefined;
    for (const connection of channel.subscribers) {
      if (connection.socketId === exceptSocketId || (channel.rosterVersions?.get(connection) ?? 0) >= version) continue;
      connection.sendMessage((message ??= new OutboundMessage(frame)));
    }
  }

  #replayMemberFrames(connection: Connection, name: string, rosterVersion: number): void {
    const recent = this.#recentMemberFrames.get(`${connection.app.id}\0${name}`);
    if (!recent) return;
    const now = this.now();
    for (const entry of [...recent].sort((a, b) => a.version - b.version)) {
      if (entry.version <= rosterVersion || entry.except === connection.socketId || now - entry.at > RECENT_MEMBER_FRAMES_MS) continue;
      connection.send(entry.frame);
    }
  }

  /** Drops remembered member frames past their time; from the heartbeat sweep. */
  #pruneMemberFrames(): void {
    const now = this.now();
    for (const [key, recent] of this.#recentMemberFrames) {
      while (recent.length > 0 && now - recent[0]!.at > RECENT_MEMBER_FRAMES_MS) recent.shift();
      if (recent.length === 0) this.#recentMemberFrames.delete(key);
    }
  }

  /** HTTP API and client events: one frame per channel, framed once, written to every subscriber. */
  publish(app: App, channels: readonly string[], event: string, data: string, exceptSocketId?: string, userId?: string): number {
    if (this.bus.shared) {
      this.bus.publish({
        t: 'event', app: app.id, channels: [...channels], event, data,
        ...(exceptSocketId ? { except: exceptSocketId } : {}), ...(userId !== undefined ? { user: userId } : {}),
      });
    }
    for (const name of channels) {
      if (isCacheChannel(name) && !event.startsWith('client-')) {
        this.cluster.cacheSet(app.id, name, event, data, this.config.cacheTtl * 1000);
      }
    }
    return this.#deliverEvent(app, channels, event, data, exceptSocketId, userId);
  }

  #deliverEvent(app: App, channels: readonly string[], event: string, data: string, exceptSocketId?: string, userId?: string): number {
    const timed = this.observers.wants('broadcastDelivered');
    const started = timed ? performance.now() : 0;
    const local = this.#states.get(app.id)?.channels;
    let recipients = 0;
    let bytes = 0;
    for (const name of channels) {
      // Most publishes go to channels nobody on this node is on: no frame is built for those.
      if (!local?.has(name)) continue;
      const message = new OutboundMessage(() => channelEventFrame(event, name, data, userId));
      const delivered = this.deliverLocal(app.id, name, message, exceptSocketId);
      recipients += delivered;
      if (delivered > 0) bytes += delivered * message.byteLength;
    }
    this.observers.emit('messagesOut', app, recipients, bytes);
    if (timed) this.observers.emit('broadcastDelivered', app, recipients, (performance.now() - started) / 1000);
    return recipients;
  }

  /** After a verified pusher:signin: counts the socket as the user's and answers its watchlist. */
  async signIn(connection: Connection): Promise<void> {
    const state = this.state(connection.app);
    const user = connection.user!;
    let sockets = state.users.get(user.id);
    if (!sockets) {
      sockets = new Set();
      state.users.set(user.id, sockets);
    }
    sockets.add(connection);
    const appId = connection.app.id;
    const first = await this.cluster.addUserSocket(appId, user.id, connection.socketId);
    const online = user.watchlist.length > 0 ? await this.cluster.onlineUsers(appId, user.watchlist) : [];
    if (online.length > 0 && !connection.closed) connection.send(watchlistEventsFrame([{ name: 'online', user_ids: online }]));
    if (first) this.#announceWatch(connection.app, user.id, true);
  }

  #signOut(connection: Connection, userId: string): void {
    const state = this.state(connection.app);
    const sockets = state.users.get(userId);
    if (sockets?.delete(connection) && sockets.size === 0) state.users.delete(userId);
    const app = connection.app;
    this.#track(this.cluster.removeUserSocket(app.id, userId, connection.socketId).then(
      (last) => {
        if (last) this.#announceWatch(app, userId, false);
      },
      (err: unknown) => this.logger.error({ err }, 'sign-out failed'),
    ));
  }

  #announceWatch(app: App, userId: string, online: boolean): void {
    this.#notifyWatchers(app.id, userId, online);
    if (this.bus.shared) this.bus.publish({ t: 'watch', app: app.id, user: userId, online });
  }

  #notifyWatchers(appId: string, userId: string, online: boolean): void {
    const state = this.#states.get(appId);
    if (!state) return;
    let frame: string | undefined;
    for (const connections of state.users.values()) {
      for (const watcher of connections) {
        if (!watcher.user?.watchlist.includes(userId)) continue;
        frame ??= watchlistEventsFrame([{ name: online ? 'online' : 'offline', user_ids: [userId] }]);
        watcher.send(frame);
      }
    }
  }

  /** terminate_connections: closes the user's sockets here and on every other node. */
  terminateUser(app: App, userId: string): number {
    if (this.bus.shared) this.bus.publish({ t: 'terminate', app: app.id, user: userId });
    return this.#terminateLocal(app.id, userId);
  }

  #terminateLocal(appId: string, userId: string): number {
    const connections = [...(this.#states.get(appId)?.users.get(userId) ?? [])];
    for (const connection of connections) connection.close(CODES.connectionTerminated);
    return connections.length;
  }

  #fromBus(message: BusMessage): void {
    // The debug console listens to its own messages on the bus.
    if (message.t === 'console_watch' || message.t === 'console_entries') return;
    const state = this.#states.get(message.app);
    if (!state) return;
    switch (message.t) {
      case 'event':
        this.#deliverEvent(state.app, message.channels, message.event, message.data, message.except, message.user);
        return;
      case 'frame':
        if (message.v !== undefined) this.#deliverMemberFrame(message.app, message.channel, message.frame, message.v, message.except);
        else this.deliverLocal(message.app, message.channel, new OutboundMessage(message.frame), message.except);
        return;
      case 'terminate':
        this.#terminateLocal(message.app, message.user);
        return;
      case 'watch':
        this.#notifyWatchers(message.app, message.user, message.online);
        return;
    }
  }

  /** Shutdown: pending count frames are moot once the sockets close. */
  stopTimers(): void {
    for (const throttle of this.#countFrames.values()) throttle.clear();
  }

  /** Housekeeping from the heartbeat sweep. */
  evictExpiredCache(): void {
    this.cluster.evictExpired?.();
    this.#pruneMemberFrames();
  }
}
