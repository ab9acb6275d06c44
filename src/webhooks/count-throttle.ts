/** Pusher sends subscription_count for channels with 100+ subscribers at most every 5 s (§A6). */
export const BUSY_CHANNEL_SUBSCRIBERS = 100;
export const BUSY_CHANNEL_INTERVAL_MS = 5000;

/**
 * Per channel: a count below the threshold goes out at once; a busy channel's count goes out at
 * once, then the latest value at most every interval. State exists only during a cooldown.
 */
export class CountThrottle {
  readonly #cooling = new Map<string, { timer: NodeJS.Timeout; latest: number | undefined }>();

  constructor(
    readonly send: (key: string, count: number) => void,
    readonly intervalMs = BUSY_CHANNEL_INTERVAL_MS,
    readonly threshold = BUSY_CHANNEL_SUBSCRIBERS,
  ) {}

  update(key: string, count: number): void {
    const cooling = this.#cooling.get(key);
    if (cooling) {
      cooling.latest = count;
      return;
    }
    this.send(key, count);
    if (count >= this.threshold) this.#cool(key);
  }

  #cool(key: string): void {
    const entry = { timer: setTimeout(() => this.#release(key), this.intervalMs), latest: undefined as number | undefined };
    entry.timer.unref();
    this.#cooling.set(key, entry);
  }

  #release(key: string): void {
    const entry = this.#cooling.get(key);
    this.#cooling.delete(key);
    if (entry?.latest === undefined) return;
    this.send(key, entry.latest);
    if (entry.latest >= this.threshold) this.#cool(key);
  }

  /** Sends the pending latest counts now and forgets every cooldown. */
  flush(): void {
    const entries = [...this.#cooling];
    this.#cooling.clear();
    for (const [key, entry] of entries) {
      clearTimeout(entry.timer);
      if (entry.latest !== undefined) this.send(key, entry.latest);
    }
  }

  clear(): void {
    for (const entry of this.#cooling.values()) clearTimeout(entry.timer);
    this.#cooling.clear();
  }
}
