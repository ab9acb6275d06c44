import type { OutboundMessage } from '../connections/outbound-message.js';

export interface ChannelSummary {
  subscriptionCount: number;
  /** Presence channels only. */
  userCount?: number;
}

/**
 * The fan-out seam. Every broadcast — HTTP API events, client events, presence member events —
 * goes through `broadcast`, and every cross-connection query through the other methods, so a
 * many-node adapter (Redis pub/sub) can replace the local one without touching protocol code.
 */
export interface Adapter {
  /** Delivers to the channel's subscribers on every node; returns the local recipient count. */
  broadcast(appId: string, channel: string, message: OutboundMessage, exceptSocketId?: string): number;
  channels(appId: string): Promise<Map<string, ChannelSummary>>;
  channel(appId: string, channel: string): Promise<ChannelSummary | undefined>;
  presenceMembers(appId: string, channel: string): Promise<Map<string, unknown>>;
  /** Closes every connection signed in as the user, on every node. */
  terminateUserConnections(appId: string, userId: string): Promise<number>;
  close(): Promise<void>;
}
