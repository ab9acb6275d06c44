/**
 * Delivery across nodes. The node where something happens delivers to its own sockets itself and
 * publishes one message; every other node delivers it to its own sockets, framing it once. A local
 * bus has no other nodes: publishing is a no-op and `shared` is false, so callers skip building
 * messages at all on the single-node hot path.
 */
export type BusMessage =
  /** A channel event (HTTP API, client event) for one or more channels. */
  | { t: 'event'; app: string; channels: string[]; event: string; data: string; except?: string; user?: string }
  /** A ready-made frame for one channel's subscribers (member_added/removed, subscription_count). */
  | { t: 'frame'; app: string; channel: string; frame: string; except?: string; v?: number }
  /** terminate_connections for a user. */
  | { t: 'terminate'; app: string; user: string }
  /** A watched user came online or went offline. */
  | { t: 'watch'; app: string; user: string; online: boolean }
  /**
   * A debug console is open on `node`: every other node traces and forwards its console entries
   * for `ttl` ms, unless renewed (0: that console closed). See src/console/cluster-console-source.ts.
   */
  | { t: 'console_watch'; node: string; ttl: number }
  /**
   * Console entries a node forwards while a console elsewhere watches. Opaque to the bus (their
   * shape is src/console/console-entry.ts): a receiver checks them before showing them.
   */
  | { t: 'console_entries'; entries: object[] };

export interface Bus {
  readonly shared: boolean;
  /** This node's id on a shared bus (its messages carry it; logs name the node by it). */
  readonly nodeId?: string;
  publish(message: BusMessage): void;
  /** Adds a handler for the messages published by other nodes (the hub's, the debug console's). */
  onMessage(handler: (message: BusMessage) => void): void;
  close(): Promise<void>;
}
