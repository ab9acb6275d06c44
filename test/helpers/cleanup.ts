/**
 * Everything a test starts is stopped after it: helpers register each server, client and fake
 * they start, and this afterEach undoes them last-started-first, one at a time, so clients go
 * before the server they talk to and a server before the observers it flushes into.
 */
import { afterEach } from 'vitest';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanups failed`);
});

/** Runs `fn` after the current test, before whatever was registered earlier. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}
