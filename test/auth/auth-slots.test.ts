import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthSlots, type SlotResult } from '../../src/auth/auth-slots.js';

const fresh = () => false;

describe('AuthSlots', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands out at most max slots, queues the rest in order and fails fast when the queue is full', async () => {
    const slots = new AuthSlots(2, 2);
    const a = await slots.acquire(1000, fresh);
    const b = await slots.acquire(1000, fresh);
    const order: string[] = [];
    const c = slots.acquire(1000, fresh).then((r) => (order.push('c'), r));
    const d = slots.acquire(1000, fresh).then((r) => (order.push('d'), r));
    expect(await slots.acquire(1000, fresh)).toEqual({ ok: false, why: 'queue-full' });
    expect(slots.active).toBe(2);
    expect(slots.waiting).toBe(2);
    if (!a.ok || !b.ok) throw new Error('expected slots');
    a.release();
    a.release(); // a second release of the same slot is a no-op
    expect((await c).ok).toBe(true);
    expect(slots.active).toBe(2);
    b.release();
    expect((await d).ok).toBe(true);
    expect(order).toEqual(['c', 'd']);
  });

  it('fails a waiter that got no slot within the wait time', async () => {
    const slots = new AuthSlots(1, 5);
    await slots.acquire(1000, fresh);
    const waiting = slots.acquire(1000, fresh);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await waiting).toEqual({ ok: false, why: 'timeout' });
    expect(slots.waiting).toBe(0);
  });

  it('drops a waiter whose socket went away instead of giving it a slot', async () => {
    const slots = new AuthSlots(1, 5);
    const first = (await slots.acquire(1000, fresh)) as Extract<SlotResult, { ok: true }>;
    let gone = false;
    const stale = slots.acquire(1000, () => gone);
    const next = slots.acquire(1000, fresh);
    gone = true;
    first.release();
    expect(await stale).toEqual({ ok: false, why: 'stale' });
    expect((await next).ok).toBe(true);
    expect(slots.active).toBe(1);
  });

  it('fails every waiter on close', async () => {
    const slots = new AuthSlots(1, 5);
    await slots.acquire(1000, fresh);
    const waiting = slots.acquire(1000, fresh);
    slots.close();
    expect(await waiting).toEqual({ ok: false, why: 'closed' });
    expect(await slots.acquire(1000, fresh)).toEqual({ ok: false, why: 'closed' });
  });
});
