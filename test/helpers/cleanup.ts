/**
 * Everything a test starts is stopped after it: helpers register each server, client and fake
 * they start, and this afterEach undoes them last-started-first, one at a time, so clients go
 * before the server they talk to and a server before the observers it flushes into.
 */
import { afterEach } from 'vitest';

/** What a cleanup may want to know about the test it follows (e.g. to keep evidence of a failure). */
export interface CleanupInfo {
  failed: boolean;
  testName: string;
}

type Cleanup = (info: CleanupInfo) => Promise<void> | void;

const cleanups: Cleanup[] = [];

afterEach(async (context) => {
  const errors: unknown[] = [];
  const info: CleanupInfo = { failed: context.task.result?.state === 'fail', testName: [context.task.suite?.name, context.task.name].filter(Boolean).join(' ') };
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup(info);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanups failed`);
});

/** Runs `fn` after the current test, before whatever was registered earlier. */
export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}
