/**
 * A token bucket on a caller-supplied clock (ms). Used for handshakes per IP, inbound messages per
 * connection and client events per connection. `rate` is tokens per second; 0 disables.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  #refill(now: number): void {
    if (now > this.#updatedAt) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.rate);
      this.#updatedAt = now;
    }
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    if (this.rate === 0) return true;
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }

  /** Seconds until one token is available (for Retry-After). */
  secondsUntilToken(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1 || this.rate === 0) return 0;
    return (1 - this.#tokens) / this.rate;
  }

  /** Whether the bucket would be full at `now`: it then holds no state worth keeping. */
  isFull(now: number): boolean {
    if (this.rate === 0) return true;
    return this.#tokens + (Math.max(0, now - this.#updatedAt) / 1000) * this.rate >= this.burst;
  }
}
