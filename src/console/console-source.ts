import type { ConsoleEntryInput } from './console-entry.js';

/**
 * Where console entries come from. This process's observer is one source; a cluster bus can be
 * another later, feeding peers' entries tagged with their `node`. A source traces only while
 * `setWatched(true)`, so an unwatched cluster moves nothing across the bus either.
 */
export interface ConsoleSource {
  /** Called once: the source delivers its entries to `sink` from then on. */
  connect(sink: (entry: ConsoleEntryInput) => void): void;
  /** A first console opened (true) or the last one closed (false). */
  setWatched(watched: boolean): void;
}
