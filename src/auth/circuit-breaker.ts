export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTicket {
  readonly probe: boolean;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long an open breaker fails fast before letting one probe through. */
  cooldownMs: number;
  now: () => number;
  onChange?: (state: BreakerState, previous: BreakerState) => void;
}

/**
 * Fails fast while Laravel is down instead of piling requests onto dead or drowning PHP workers.
 * closed → (threshold consecutive failures) → open → (cooldown) → half-open: exactly one probe
 * goes out; its success closes the breaker, its failure opens it for another cooldown.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  readonly #options: CircuitBreakerOptions;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether a new request should fail at once (checked before it queues for a slot). */
  isRejecting(): boolean {
    if (this.#state === 'closed') return false;
    if (this.#state === 'half-open') return this.#probing;
    return this.#options.now() - this.#openedAt < this.#options.cooldownMs;
  }

  /**
   * Called when a request is about to be sent: a ticket to report its outcome with, or undefined
   * to fail fast instead.
   */
  admit(): BreakerTicket | undefined {
    if (this.#state === 'closed') return { probe: false };
    if (this.#state === 'open') {
      if (this.#options.now() - this.#openedAt < this.#options.cooldownMs) return undefined;
      this.#set('half-open');
    }
    if (this.#probing) return undefined;
    this.#probing = true;
    return { probe: true };
  }

  /** Laravel answered (any status below 500): it is alive. */
  success(ticket: BreakerTicket): void {
    if (ticket.probe) this.#probing = false;
    this.#failures = 0;
    if (this.#state !== 'closed') this.#set('closed');
  }

  /** Laravel failed: 5xx, timeout or no connection. */
  failure(ticket: BreakerTicket): void {
    this.#failures++;
    if (ticket.probe) this.#probing = false;
    // Requests that were in flight when the breaker opened change nothing; only the probe reopens it.
    if ((this.#state === 'half-open' && ticket.probe) || (this.#state === 'closed' && this.#failures >= this.#options.threshold)) {
      this.#openedAt = this.#options.now();
      this.#set('open');
    }
  }

  #set(state: BreakerState): void {
    const previous = this.#state;
    this.#state = state;
    this.#options.onChange?.(state, previous);
  }
}
