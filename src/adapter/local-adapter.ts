import type { AppState } from '../channels/app-state.js';
import type { Connection } from '../connections/connection.js';
import type { OutboundMessage } from '../connections/outbound-message.js';
import type { Adapter, ChannelSummary } from './adapter.js';

export interface LocalAdapterOptions {
  state(appId: string): AppState | undefined;
  terminate(connection: Connection): void;
}

/** One process: fan-out and queries read this node's own state. */
export class LocalAdapter implements Adapter {
  constructor(private readonly options: LocalAdapterOptions) {}

  broadcast(appId: string, channelName: string, message: OutboundMessage, exceptSocketId?: string): number {
    const channel = this.options.state(appId)?.channels.get(channelName);
    if (!channel) return 0;
    let delivered = 0;
    for (const connection of channel.subscribers) {
      if (connection.socketId === exceptSocketId) continue;
      if (connection.sendMessage(message)) delivered++;
    }
    return delivered;
  }

  async channels(appId: string): Promise<Map<string, ChannelSummary>> {
    const out = new Map<string, ChannelSummary>();
    for (const [name, channel] of this.options.state(appId)?.channels ?? []) {
      const summary: ChannelSummary = { subscriptionCount: channel.subscribers.size };
      if (channel.members) summary.userCount = channel.members.size;
      out.set(name, summary);
    }
    return out;
  }

  async channel(appId: string, name: string): Promise<ChannelSummary | undefined> {
    const channel = this.options.state(appId)?.channels.get(name);
    if (!channel) return undefined;
    const summary: ChannelSummary = { subscriptionCount: channel.subscribers.size };
    if (channel.members) summary.userCount = channel.members.size;
    return summary;
  }

  async presenceMembers(appId: string, name: string): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    for (const [id, member] of this.options.state(appId)?.channels.get(name)?.members ?? []) out.set(id, member.info);
    return out;
  }

  async terminateUserConnections(appId: string, userId: string): Promise<number> {
    const connections = [...(this.options.state(appId)?.users.get(userId) ?? [])];
    for (const connection of connections) this.options.terminate(connection);
    return connections.length;
  }

  async close(): Promise<void> {}
}
