import type { Connection } from '../connections/connection.js';
import type { ChannelInfo } from '../protocol/channel-names.js';

/** This node's subscribers of one channel: who gets a frame when the channel has an event. */
export class Channel {
  readonly subscribers = new Set<Connection>();
  /**
   * Presence in a cluster: each subscriber's roster version (see JoinTransition.version). Made
   * on the first versioned join; a local channel never has one.
   */
  rosterVersions: Map<Connection, number> | undefined = undefined;

  constructor(
    readonly name: string,
    readonly info: ChannelInfo,
  ) {}
}
