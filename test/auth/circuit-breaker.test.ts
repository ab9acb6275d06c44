import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../../src/auth/circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 1000) {
  let now = 0;
  const changes: BreakerState[] = [];
  const b = new CircuitBreaker({ threshold, cooldownMs, now: () => now, onChange: (state) => changes.push(state) });
  return { b, changes, advance: (ms: number) => void (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after threshold consecutive failures; a success resets the count', () => {
    const { b } = breaker(3);
    b.failure(b.admit()!);
    b.failure(b.admit()!);
    b.success(b.admit()!);
    b.failure(b.admit()!);
    b.failure(b.admit()!);
    expect(b.state).toBe('closed');
    b.failure(b.admit()!);
    expect(b.state).toBe('open');
    expect(b.isRejecting()).toBe(true);
    expect(b.admit()).toBeUndefined();
  });

  it('lets exactly one probe through after the cooldown; its success closes the breaker', () => {
    const { b, changes, advance } = breaker(1, 1000);
    b.failure(b.admit()!);
    advance(999);
    expect(b.isRejecting()).toBe(true);
    advance(1);
    expect(b.isRejecting()).toBe(false);
    const probe = b.admit();
    expect(probe).toEqual({ probe: true });
    expect(b.isRejecting()).toBe(true);
    expect(b.admit()).toBeUndefined();
    b.success(probe!);
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens for another cooldown when the probe fails', () => {
    const { b, advance } = breaker(1, 1000);
    b.failure(b.admit()!);
    advance(1000);
    b.failure(b.admit()!);
    expect(b.state).toBe('open');
    advance(500);
    expect(b.admit()).toBeUndefined();
    advance(500);
    expect(b.admit()).toEqual({ probe: true });
  });

  it('ignores failures of requests that were already in flight when it opened', () => {
    const { b, advance } = breaker(1, 1000);
    const early = b.admit()!;
    b.failure(b.admit()!);
    advance(1000);
    const probe = b.admit()!;
    b.failure(early);
    expect(b.state).toBe('half-open');
    b.success(probe);
    expect(b.state).toBe('closed');
  });
});
