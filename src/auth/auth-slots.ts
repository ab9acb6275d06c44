export type SlotRefusal = 'queue-full' | 'timeout' | 'stale' | 'closed' | 'owner-limit' | 'ip-limit' | 'displaced';

export type SlotResult =
  | { ok: true; release: () => void }
  | { ok: false; why: SlotRefusal };

export interface SlotRequest {
  /** Who asks: one connection (its socket id). The queue is shared fairly between owners. */
  owner: string;
  /** The owner's client key (IPv4 address or IPv6 /64), for the per-IP bound. */
  ipKey: string;
  waitMs: number;
  /** True once nobody waits for the answer; a queued request is then dropped unsent. */
  isStale: () => boolean;
}

export interface AuthSlotLimits {
  /** --max-concurrent-auth */
  max: number;
  /** --auth-queue-size */
  queueSize: number;
  /** --max-auth-per-connection: requests one owner may have in flight or waiting. */
  perOwner: number;
  /** --max-auth-per-ip */
  perIp: number;
}

interface Waiter {
  owner: Owner;
  resolve: (result: SlotResult) => void;
  isStale: () => boolean;
  timer: NodeJS.Timeout;
}

interface Owner {
  id: string;
  ipKey: string;
  active: number;
  waiters: Waiter[];
  /** When this owner last got a slot (a running count); 0 = never. */
  servedAt: number;
}

/**
 * --max-concurrent-auth slots with a bounded wait queue (--auth-queue-size), shared fairly between
 * connections so one noisy socket waits for itself:
 * - each connection may hold at most --max-auth-per-connection requests (in flight plus waiting)
 *   and each client IP --max-auth-per-ip; more fail at once;
 * - a free slot goes to the waiting connection with the fewest requests in flight, ties to the
 *   one served least recently (round-robin), not to whoever queued first;
 * - when the queue is full, a newcomer takes the place of the newest waiter of the connection with
 *   the most waiting (if that is more than the newcomer's own plus one), which fails instead.
 * A request that cannot get a slot within `waitMs` fails (Laravel is too slow to be worth waiting
 * for), and one whose socket went away while queued is dropped unsent, so a reconnect storm never
 * turns into a backlog of requests nobody waits for.
 */
export class AuthSlots {
  #active = 0;
  #waiting = 0;
  #closed = false;
  #served = 0;
  /** Owners with requests in flight or waiting. */
  readonly #owners = new Map<string, Owner>();
  readonly #perIp = new Map<string, number>();

  constructor(readonly limits: AuthSlotLimits) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /** Requests in flight or waiting for one owner (tests, metrics). */
  pendingOf(owner: string): number {
    const entry = this.#owners.get(owner);
    return entry ? entry.active + entry.waiters.length : 0;
  }

  acquire(request: SlotRequest): Promise<SlotResult> {
    if (this.#closed) return Promise.resolve({ ok: false, why: 'closed' });
    const known = this.#owners.get(request.owner);
    if (known && known.active + known.waiters.length >= this.limits.perOwner) return Promise.resolve({ ok: false, why: 'owner-limit' });
    if ((this.#perIp.get(request.ipKey) ?? 0) >= this.limits.perIp) return Promise.resolve({ ok: false, why: 'ip-limit' });
    if (this.#active < this.limits.max && this.#waiting === 0) {
      const owner = this.#ownerFor(request);
      this.#grant(owner);
      return Promise.resolve({ ok: true, release: this.#releaser(owner) });
    }
    if (this.#waiting >= this.limits.queueSize && !this.#displaceFor(known?.waiters.length ?? 0)) {
      return Promise.resolve({ ok: false, why: 'queue-full' });
    }
    const owner = this.#ownerFor(request);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        owner, resolve, isStale: request.isStale,
        timer: setTimeout(() => this.#fail(waiter, 'timeout'), request.waitMs),
      };
      owner.waiters.push(waiter);
      this.#waiting++;
    });
  }

  /** Fails every waiter; later calls fail at once. */
  close(): void {
    this.#closed = true;
    for (const owner of [...this.#owners.values()]) {
      for (const waiter of [...owner.waiters]) this.#fail(waiter, 'closed');
    }
  }

  #ownerFor(request: SlotRequest): Owner {
    let owner = this.#owners.get(request.owner);
    if (!owner) {
      owner = { id: request.owner, ipKey: request.ipKey, active: 0, waiters: [], servedAt: 0 };
      this.#owners.set(request.owner, owner);
    }
    this.#perIp.set(owner.ipKey, (this.#perIp.get(owner.ipKey) ?? 0) + 1);
    return owner;
  }

  /** One request of `owner` is over (served, failed or dropped). */
  #done(owner: Owner): void {
    const left = (this.#perIp.get(owner.ipKey) ?? 1) - 1;
    if (left <= 0) this.#perIp.delete(owner.ipKey);
    else this.#perIp.set(owner.ipKey, left);
    if (owner.active === 0 && owner.waiters.length === 0) this.#owners.delete(owner.id);
  }

  #fail(waiter: Waiter, why: SlotRefusal): void {
    const { owner } = waiter;
    const index = owner.waiters.indexOf(waiter);
    if (index === -1) return;
    owner.waiters.splice(index, 1);
    this.#waiting--;
    clearTimeout(waiter.timer);
    this.#done(owner);
    waiter.resolve({ ok: false, why });
  }

  /** Frees a queue place by failing the newest waiter of the owner with the most waiting. */
  #displaceFor(ownWaiting: number): boolean {
    let victim: Owner | undefined;
    for (const owner of this.#owners.values()) {
      if (owner.waiters.length > (victim?.waiters.length ?? 0)) victim = owner;
    }
    if (!victim || victim.waiters.length <= ownWaiting + 1) return false;
    this.#fail(victim.waiters[victim.waiters.length - 1]!, 'displaced');
    return true;
  }

  #releaser(owner: Owner): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      owner.active--;
      this.#done(owner);
      this.#next();
    };
  }

  #grant(owner: Owner): void {
    this.#active++;
    owner.active++;
    owner.servedAt = ++this.#served;
  }

  /** The waiting owner with the fewest requests in flight; ties go to the one served least recently (round-robin). */
  #pick(): Owner | undefined {
    let best: Owner | undefined;
    for (const owner of this.#owners.values()) {
      if (owner.waiters.length === 0) continue;
      if (!best || owner.active < best.active || (owner.active === best.active && owner.servedAt < best.servedAt)) best = owner;
    }
    return best;
  }

  #next(): void {
    while (this.#active < this.limits.max) {
      const owner = this.#pick();
      if (!owner) return;
      const waiter = owner.waiters.shift()!;
      this.#waiting--;
      clearTimeout(waiter.timer);
      if (waiter.isStale()) {
        this.#done(owner);
        waiter.resolve({ ok: false, why: 'stale' });
        continue;
      }
      this.#grant(owner);
      waiter.resolve({ ok: true, release: this.#releaser(owner) });
    }
  }
}
