import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthSlots, type AuthSlotLimits, type SlotRequest, type SlotResult } from '../../src/auth/auth-slots.js';

const fresh = () => false;
const roomy = { perOwner: 100, perIp: 100 };

function slotsOf(limits: Partial<AuthSlotLimits> & Pick<AuthSlotLimits, 'max' | 'queueSize'>): AuthSlots {
  return new AuthSlots({ ...roomy, ...limits });
}

function ask(owner = 'a', extra: Partial<SlotRequest> = {}): SlotRequest {
  return { owner, ipKey: `ip-of-${owner}`, waitMs: 1000, isStale: fresh, ...extra };
}

function granted(result: SlotResult): Extract<SlotResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a slot, got ${result.why}`);
  return result;
}

describe('AuthSlots', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands out at most max slots, queues the rest in order and fails fast when the queue is full', async () => {
    const slots = slotsOf({ max: 2, queueSize: 2 });
    const a = granted(await slots.acquire(ask()));
    const b = granted(await slots.acquire(ask()));
    const order: string[] = [];
    const c = slots.acquire(ask()).then((r) => (order.push('c'), r));
    const d = slots.acquire(ask()).then((r) => (order.push('d'), r));
    expect(await slots.acquire(ask())).toEqual({ ok: false, why: 'queue-full' });
    expect(slots.active).toBe(2);
    expect(slots.waiting).toBe(2);
    a.release();
    a.release(); // a second release of the same slot is a no-op
    expect((await c).ok).toBe(true);
    expect(slots.active).toBe(2);
    b.release();
    expect((await d).ok).toBe(true);
    expect(order).toEqual(['c', 'd']);
  });

  it('fails a waiter that got no slot within the wait time', async () => {
    const slots = slotsOf({ max: 1, queueSize: 5 });
    await slots.acquire(ask());
    const waiting = slots.acquire(ask());
    await vi.advanceTimersByTimeAsync(1000);
    expect(await waiting).toEqual({ ok: false, why: 'timeout' });
    expect(slots.waiting).toBe(0);
    expect(slots.pendingOf('a')).toBe(1);
  });

  it('drops a waiter whose socket went away instead of giving it a slot', async () => {
    const slots = slotsOf({ max: 1, queueSize: 5 });
    const first = granted(await slots.acquire(ask()));
    let gone = false;
    const stale = slots.acquire(ask('a', { isStale: () => gone }));
    const next = slots.acquire(ask());
    gone = true;
    first.release();
    expect(await stale).toEqual({ ok: false, why: 'stale' });
    expect((await next).ok).toBe(true);
    expect(slots.active).toBe(1);
  });

  it('fails every waiter on close', async () => {
    const slots = slotsOf({ max: 1, queueSize: 5 });
    await slots.acquire(ask());
    const waiting = slots.acquire(ask());
    slots.close();
    expect(await waiting).toEqual({ ok: false, why: 'closed' });
    expect(await slots.acquire(ask())).toEqual({ ok: false, why: 'closed' });
  });

  it('bounds the requests in flight plus waiting per connection and per IP, and forgets owners once they are done', async () => {
    const slots = slotsOf({ max: 1, queueSize: 10, perOwner: 2, perIp: 3 });
    const first = granted(await slots.acquire(ask('a')));
    const queued = slots.acquire(ask('a'));
    expect(await slots.acquire(ask('a'))).toEqual({ ok: false, why: 'owner-limit' });
    const sameIp = slots.acquire(ask('b', { ipKey: 'ip-of-a' }));
    expect(await slots.acquire(ask('c', { ipKey: 'ip-of-a' }))).toEqual({ ok: false, why: 'ip-limit' });
    first.release();
    // b was never served, a just was: b goes first.
    granted(await sameIp).release();
    granted(await queued).release();
    expect(slots.pendingOf('a')).toBe(0);
    expect(slots.pendingOf('b')).toBe(0);
    granted(await slots.acquire(ask('c', { ipKey: 'ip-of-a' }))).release();
  });

  it('gives a freed slot to the connection with the fewest in flight, not to the noisy one that queued first', async () => {
    const slots = slotsOf({ max: 2, queueSize: 10 });
    const noisy = [granted(await slots.acquire(ask('noisy'))), granted(await slots.acquire(ask('noisy')))];
    const order: string[] = [];
    const backlog = Array.from({ length: 4 }, (_, i) => slots.acquire(ask('noisy')).then((r) => (order.push(`noisy-${i}`), r)));
    const quiet = slots.acquire(ask('quiet')).then((r) => (order.push('quiet'), r));
    noisy[0]!.release();
    granted(await quiet).release();
    noisy[1]!.release();
    for (const request of backlog) granted(await request).release();
    expect(order).toEqual(['quiet', 'noisy-0', 'noisy-1', 'noisy-2', 'noisy-3']);
  });

  it('takes turns between connections that all have backlogs', async () => {
    const slots = slotsOf({ max: 1, queueSize: 10 });
    const held = granted(await slots.acquire(ask('x')));
    const order: string[] = [];
    const all = ['a', 'a', 'a', 'b', 'b', 'c'].map((owner) => slots.acquire(ask(owner)).then((r) => (order.push(owner), granted(r).release())));
    held.release();
    await Promise.all(all);
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'a']);
  });

  it('lets a newcomer take the queue place of the connection with the most waiting when the queue is full', async () => {
    const slots = slotsOf({ max: 1, queueSize: 3 });
    const held = granted(await slots.acquire(ask('noisy')));
    const backlog = [1, 2, 3].map(() => slots.acquire(ask('noisy')));
    const quiet = slots.acquire(ask('quiet'));
    expect(await backlog[2]!).toEqual({ ok: false, why: 'displaced' });
    // Equal shares: nobody has more than one more waiting than the newcomer, so the queue is full for it.
    const other = slots.acquire(ask('other'));
    expect(await slots.acquire(ask('third'))).toEqual({ ok: false, why: 'queue-full' });
    expect(await backlog[1]!).toEqual({ ok: false, why: 'displaced' });
    held.release();
    granted(await quiet).release();
    granted(await other).release();
    granted(await backlog[0]!).release();
    expect(slots.active).toBe(0);
    expect(slots.waiting).toBe(0);
  });
});
