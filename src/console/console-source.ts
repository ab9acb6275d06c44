import type { ConsoleEntryInput } from './console-entry.js';

/**
 * Where console entries come from. This process's observer is one source; in cluster mode the bus
 * is another (ClusterConsoleSource), feeding peers' entries tagged with their `node`. A source
 * traces only while watched, so an unwatched cluster moves nothing across the bus either.
 */
export interface ConsoleSource {
  /** Called once: the source delivers its entries to `sink` from then on. */
  connect(sink: (entry: ConsoleEntryInput) => void): void;
  /** A first console opened on this node (true) or the last one closed (false). */
  setWatched(watched: boolean): void;
}
