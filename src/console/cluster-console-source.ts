import type { Bus, BusMessage } from '../cluster/bus.js';
import { ENTRY_KINDS, type ConsoleEntry, type ConsoleEntryInput, type EntryKind } from './console-entry.js';
import type { ConsoleSource } from './console-source.js';

/** Forwarded entries wait at most this long, so a busy node sends a few bus messages a second, not one per entry. */
const FORWARD_MS = 100;
const MAX_BATCH = 200;
/** --dashboard-cluster-ttl's maximum. */
const MAX_WATCH_TTL_MS = 3_600_000;

export interface ClusterConsoleSourceOptions {
  bus: Bus;
  /** This node's name: its watch messages carry it, and peers name it when they answer. */
  node: string;
  /** How long one watch message keeps the other nodes tracing; renewed every third of it (--dashboard-cluster-ttl). */
  watchTtlMs: number;
  /** A console on another node started watching this one (true), or the last such watch ended or lapsed (false). */
  onPeersWatching(watching: boolean): void;
  now?: () => number;
}

function isEntryKind(value: unknown): value is EntryKind {
  return typeof value === 'string' && (ENTRY_KINDS as readonly string[]).includes(value);
}

/** A forwarded entry as shown here: only with the fields every entry has, and a node to tag it with. */
function toEntry(value: object): ConsoleEntryInput | undefined {
  const entry = value as Partial<ConsoleEntry>;
  if (typeof entry.time !== 'number' || !isEntryKind(entry.kind) || typeof entry.text !== 'string' || typeof entry.node !== 'string') return undefined;
  return entry as ConsoleEntryInput;
}

/**
 * The other nodes of a cluster as a console source. Nobody traces by default: a node whose console
 * is open says so on the bus ("console_watch", renewed while it stays open), every other node turns
 * its tracing on while a fresh watch exists and forwards the entries its own log kept (already
 * scrubbed, and capped by its --dashboard-rate sampling, so forwarding cannot flood Redis). A watch
 * ends when that console closes, or lapses after the TTL when its node died without saying so.
 */
export class ClusterConsoleSource implements ConsoleSource {
  readonly #options: ClusterConsoleSourceOptions;
  readonly #now: () => number;
  /** Watching nodes, and when each watch lapses. */
  readonly #watchers = new Map<string, number>();
  #sink: ((entry: ConsoleEntryInput) => void) | undefined;
  #watched = false;
  #closed = false;
  /** True while peers' entries are being logged here: those are never forwarded again (two open consoles would echo). */
  #receiving = false;
  #renewTimer: NodeJS.Timeout | undefined;
  #lapseTimer: NodeJS.Timeout | undefined;
  #batch: object[] = [];
  #batchTimer: NodeJS.Timeout | undefined;

  constructor(options: ClusterConsoleSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    options.bus.onMessage((message) => this.#receive(message));
  }

  /** True while a console on another node watches this one. */
  get peersWatching(): boolean {
    return this.#watchers.size > 0;
  }

  connect(sink: (entry: ConsoleEntryInput) => void): void {
    this.#sink = sink;
  }

  setWatched(watched: boolean): void {
    if (watched === this.#watched) return;
    this.#watched = watched;
    clearInterval(this.#renewTimer);
    this.#renewTimer = undefined;
    const ttl = this.#options.watchTtlMs;
    if (!watched) {
      this.#announce(0);
      return;
    }
    this.#announce(ttl);
    this.#renewTimer = setInterval(() => this.#announce(ttl), Math.max(20, ttl / 3));
    this.#renewTimer.unref();
  }

  /** An entry this node's log kept: sent on while a console elsewhere watches (entries from peers never are). */
  forward(entry: ConsoleEntry): void {
    if (this.#watchers.size === 0 || this.#receiving) return;
    const { seq: _seq, ...rest } = entry;
    this.#batch.push(rest);
    if (this.#batch.length >= MAX_BATCH) this.#flush();
    else if (!this.#batchTimer) {
      this.#batchTimer = setTimeout(() => this.#flush(), FORWARD_MS);
      this.#batchTimer.unref();
    }
  }

  /** Stops the timers. Says nothing on the bus: at shutdown Redis is already gone, and the watch lapses. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#renewTimer);
    clearTimeout(this.#lapseTimer);
    clearTimeout(this.#batchTimer);
    this.#batch = [];
    if (this.#watchers.size > 0) {
      this.#watchers.clear();
      this.#options.onPeersWatching(false);
    }
  }

  #announce(ttl: number): void {
    if (!this.#closed) this.#options.bus.publish({ t: 'console_watch', node: this.#options.node, ttl });
  }

  #flush(): void {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    if (this.#batch.length === 0 || this.#closed) return;
    const entries = this.#batch;
    this.#batch = [];
    this.#options.bus.publish({ t: 'console_entries', entries });
  }

  #receive(message: BusMessage): void {
    if (this.#closed) return;
    if (message.t === 'console_watch') {
      if (typeof message.node === 'string' && typeof message.ttl === 'number') this.#watch(message.node, message.ttl);
      return;
    }
    if (message.t !== 'console_entries' || !this.#watched || !Array.isArray(message.entries)) return;
    this.#receiving = true;
    try {
      for (const value of message.entries) {
        const entry = typeof value === 'object' && value !== null ? toEntry(value) : undefined;
        if (entry) this.#sink?.(entry);
      }
    } finally {
      this.#receiving = false;
    }
  }

  #watch(node: string, ttl: number): void {
    const before = this.#watchers.size;
    const isNew = !this.#watchers.has(node);
    // Bounded by the option's maximum: one odd message cannot keep a node tracing for days.
    if (ttl > 0) this.#watchers.set(node, this.#now() + Math.min(ttl, MAX_WATCH_TTL_MS));
    else this.#watchers.delete(node);
    if (before === 0 && this.#watchers.size > 0) this.#options.onPeersWatching(true);
    // Said through this node's own log, so it is forwarded too: the watching console learns which nodes answered.
    if (ttl > 0 && isNew) this.#sink?.({ time: this.#now(), kind: 'console', text: `forwarding this node's entries to the console on ${node}` });
    this.#scheduleLapse();
    if (before > 0 && this.#watchers.size === 0) this.#stopForwarding();
  }

  #scheduleLapse(): void {
    clearTimeout(this.#lapseTimer);
    this.#lapseTimer = undefined;
    if (this.#watchers.size === 0) return;
    const next = Math.min(...this.#watchers.values());
    this.#lapseTimer = setTimeout(() => {
      const now = this.#now();
      for (const [node, until] of this.#watchers) if (until <= now) this.#watchers.delete(node);
      if (this.#watchers.size === 0) this.#stopForwarding();
      else this.#scheduleLapse();
    }, Math.max(0, next - this.#now()));
    this.#lapseTimer.unref();
  }

  #stopForwarding(): void {
    clearTimeout(this.#lapseTimer);
    this.#lapseTimer = undefined;
    this.#flush();
    this.#options.onPeersWatching(false);
  }
}
