import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { Observers, type ServerObserver } from '../../src/observers.js';

const app = { id: '1' } as App;

class Counting implements ServerObserver {
  readonly seen: string[] = [];
  get expensive(): number {
    throw new Error('a getter must not be read when the observer is added');
  }

  messagesOut(_app: App, count: number): void {
    this.seen.push(`out ${count}`);
  }
}

class Timed extends Counting {
  broadcastDelivered(_app: App, recipients: number): void {
    this.seen.push(`delivered ${recipients}`);
  }
}

describe('Observers', () => {
  it('calls class methods, inherited ones included, and says which methods someone implements', () => {
    const observers = new Observers();
    const timed = new Timed();
    observers.add(timed);
    observers.add({ apiRequest: () => {} });
    expect(observers.wants('messagesOut')).toBe(true);
    expect(observers.wants('broadcastDelivered')).toBe(true);
    expect(observers.wants('apiRequest')).toBe(true);
    expect(observers.wants('memberAdded')).toBe(false);
    observers.emit('messagesOut', app, 3, 30);
    observers.emit('broadcastDelivered', app, 3, 0.001);
    observers.emit('memberAdded', app, 'presence-a', 'u1');
    expect(timed.seen).toEqual(['out 3', 'delivered 3']);
  });

  it('keeps calling the other observers when one throws, and reports the failure', () => {
    const observers = new Observers();
    const failures: string[] = [];
    observers.onError((_err, method) => failures.push(method));
    const after = new Counting();
    observers.add({ messagesOut: () => { throw new Error('boom'); } });
    observers.add(after);
    observers.emit('messagesOut', app, 1, 10);
    expect(failures).toEqual(['messagesOut']);
    expect(after.seen).toEqual(['out 1']);
  });
});
