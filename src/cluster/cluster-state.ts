/**
 * The state seam: everything several sidecars must agree on — who is subscribed where, presence
 * rosters, subscriber counts, cache- channels' last events, signed-in users and app connection
 * counts. One implementation keeps it in this process (local), another in Redis (redis).
 *
 * Join and leave return the transitions they caused. Webhooks, metrics and the member_* frames act
 * on those, so that with a shared store each transition is seen, and acted on, by exactly one node.
 */

/** A presence member as the subscriber announced it. */
export interface PresenceMember {
  userId: string;
  info: unknown;
}

export interface JoinTransition {
  /** The presence channel already has its maximum of distinct users; nothing changed. */
  full: boolean;
  /** First subscriber in the cluster: the channel became occupied. */
  occupied: boolean;
  /** Presence: this user's first socket on the channel in the cluster. */
  memberAdded: boolean;
  subscriptionCount: number;
  /** Presence: the roster after the join, user id → user_info. */
  members?: Map<string, unknown>;
  /**
   * Presence, shared state only: the roster's version. Member frames carry the version of their
   * change; a socket gets those newer than its roster, so none is missed or repeated across nodes.
   */
  version?: number;
}

export interface LeaveTransition {
  /** False when the socket was not (or no longer) subscribed: nothing changed. */
  left: boolean;
  /** Last subscriber in the cluster left. */
  vacated: boolean;
  /** Presence: the user's last socket on the channel left. */
  memberRemoved: string | undefined;
  subscriptionCount: number;
  /** Presence, shared state only: the version of this change (see JoinTransition.version). */
  version?: number;
}

export interface ChannelSummary {
  subscriptionCount: number;
  /** Presence channels only. */
  userCount?: number;
}

export interface CachedEvent {
  event: string;
  data: string;
  /** Milliseconds left before the entry expires. */
  ttlMs: number;
}

export interface OrphanHandler {
  leave(appId: string, channel: string, transition: LeaveTransition): void;
  userOffline(appId: string, userId: string): void;
}

export interface ClusterState {
  /** True when other nodes share this state (their sockets count and their transitions exclude ours). */
  readonly shared: boolean;
  join(appId: string, channel: string, socketId: string, member: PresenceMember | undefined, maxMembers: number): Promise<JoinTransition>;
  leave(appId: string, channel: string, socketId: string): Promise<LeaveTransition>;
  /** Occupied channels of the app with their counts. */
  channels(appId: string): Promise<Map<string, ChannelSummary>>;
  channel(appId: string, channel: string): Promise<ChannelSummary | undefined>;
  members(appId: string, channel: string): Promise<Map<string, unknown>>;
  cacheGet(appId: string, channel: string): Promise<CachedEvent | undefined>;
  cacheSet(appId: string, channel: string, event: string, data: string, ttlMs: number): void;
  /** True when this is the user's first signed-in socket (the user came online). */
  addUserSocket(appId: string, userId: string, socketId: string): Promise<boolean>;
  /** True when that was the user's last signed-in socket (the user went offline). */
  removeUserSocket(appId: string, userId: string, socketId: string): Promise<boolean>;
  /** Which of these users have a signed-in socket anywhere. */
  onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]>;
  /**
   * Counts an accepted socket against the app's quota (0 = unlimited); false (and nothing counted)
   * when the app already has `max` sockets across the cluster.
   */
  openConnection(appId: string, max: number): Promise<boolean>;
  /** The same, answered at once, by a state that holds the count itself (local). */
  openConnectionNow?(appId: string, max: number): boolean;
  closeConnection(appId: string): void;
  /** Open sockets of the app across the cluster. */
  appConnectionCount(appId: string): Promise<number>;
  /**
   * Transitions no local call caused: a dead node's sockets removed by this node, or this node's
   * own entries that went stale while Redis was unreachable. The hub applies them like its own.
   */
  onOrphans?(handler: OrphanHandler): void;
  /** Housekeeping from the heartbeat sweep (e.g. expired cache entries held in memory). */
  evictExpired?(): void;
  close(): Promise<void>;
}
