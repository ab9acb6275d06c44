import type { ConsoleEntry, ConsoleEntryInput } from './console-entry.js';
import { scrub } from './console-entry.js';

export interface ConsoleLogOptions {
  /** Entries kept for a console that opens later (the ring's size). */
  size: number;
  /** Entries accepted per second; past it they are counted, not kept (sampling under load). */
  ratePerSecond: number;
  node: string;
  now?: () => number;
}

/** A serialized entry (JSON once, however many consoles read it). */
export interface LogLine {
  seq: number;
  json: string;
}

/** Gets each kept entry as its serialized line and as the object it was made from. */
type Listener = (line: LogLine, entry: ConsoleEntry) => void;

/**
 * The bounded ring buffer behind the live log. Memory stays at `size` entries whatever the load;
 * past `ratePerSecond` entries in one second the rest are counted as sampled out, and the first
 * entry of the next second says how many (so the console never pretends it saw everything).
 */
export class ConsoleLog {
  readonly #ring: Array<LogLine | undefined>;
  readonly #options: ConsoleLogOptions;
  readonly #now: () => number;
  readonly #listeners = new Set<Listener>();
  #next = 0;
  #seq = 0;
  #windowStart = 0;
  #inWindow = 0;
  #sampledOut = 0;
  /** Entries not kept because of the rate, since start. */
  sampledOutTotal = 0;
  /** Stamped on entries that name no node (this process's own); set once the cluster names this node. */
  node: string;

  constructor(options: ConsoleLogOptions) {
    this.#options = options;
    this.node = options.node;
    this.#now = options.now ?? Date.now;
    this.#ring = new Array<LogLine | undefined>(Math.max(1, options.size));
  }

  push(input: ConsoleEntryInput): void {
    const now = this.#now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
      if (this.#sampledOut > 0) {
        const skipped = this.#sampledOut;
        this.#sampledOut = 0;
        this.#store({
          time: now, kind: 'console',
          text: `${skipped} entries not shown: over --dashboard-rate ${this.#options.ratePerSecond}/s (the console samples under load)`,
        });
      }
    }
    if (this.#inWindow >= this.#options.ratePerSecond) {
      this.#sampledOut++;
      this.sampledOutTotal++;
      return;
    }
    this.#inWindow++;
    this.#store(input);
  }

  #store(input: ConsoleEntryInput): void {
    const entry: ConsoleEntry = { ...input, node: input.node ?? this.node, seq: ++this.#seq, text: scrub(input.text) };
    if (entry.fix === undefined) delete entry.fix;
    const line: LogLine = { seq: entry.seq, json: JSON.stringify(entry) };
    this.#ring[this.#next] = line;
    this.#next = (this.#next + 1) % this.#ring.length;
    for (const listener of this.#listeners) listener(line, entry);
  }

  /** Kept entries, oldest first. */
  recent(): LogLine[] {
    const out: LogLine[] = [];
    for (let i = 0; i < this.#ring.length; i++) {
      const line = this.#ring[(this.#next + i) % this.#ring.length];
      if (line) out.push(line);
    }
    return out;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
