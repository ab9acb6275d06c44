export type SlotResult =
  | { ok: true; release: () => void }
  | { ok: false; why: 'queue-full' | 'timeout' | 'stale' | 'closed' };

interface Waiter {
  resolve: (result: SlotResult) => void;
  isStale: () => boolean;
  timer: NodeJS.Timeout;
}

/**
 * --max-concurrent-auth slots with a bounded wait queue (--auth-queue-size). A request that cannot
 * get a slot within `waitMs` fails (Laravel is too slow to be worth waiting for), one that finds
 * the queue full fails at once, and one whose socket went away while queued is dropped unsent,
 * so a reconnect storm never turns into a backlog of requests nobody waits for.
 */
export class AuthSlots {
  #active = 0;
  #closed = false;
  readonly #queue: Waiter[] = [];

  constructor(
    readonly max: number,
    readonly queueSize: number,
  ) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  acquire(waitMs: number, isStale: () => boolean): Promise<SlotResult> {
    if (this.#closed) return Promise.resolve({ ok: false, why: 'closed' });
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve({ ok: true, release: this.#releaser() });
    }
    if (this.#queue.length >= this.queueSize) return Promise.resolve({ ok: false, why: 'queue-full' });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve, isStale,
        timer: setTimeout(() => {
          this.#remove(waiter);
          resolve({ ok: false, why: 'timeout' });
        }, waitMs),
      };
      this.#queue.push(waiter);
    });
  }

  /** Fails every waiter; later calls fail at once. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#queue.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve({ ok: false, why: 'closed' });
    }
  }

  #remove(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#next();
    };
  }

  #next(): void {
    while (this.#active < this.max) {
      const waiter = this.#queue.shift();
      if (!waiter) return;
      clearTimeout(waiter.timer);
      if (waiter.isStale()) {
        waiter.resolve({ ok: false, why: 'stale' });
        continue;
      }
      this.#active++;
      waiter.resolve({ ok: true, release: this.#releaser() });
    }
  }
}
