import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FileChange } from './plan.js';

export type ApplyResult =
  | { ok: true; written: string[] }
  | { ok: false; error: string; written: string[] };

function modeFor(full: string, path: string): number {
  try {
    return statSync(full).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // A new .env holds the app secret.
    return basename(path) === '.env' ? 0o600 : 0o644;
  }
}

/**
 * Writes every change atomically: each file's new text goes to a temporary file next to it, and
 * only when all of them are staged are they renamed into place. A file is therefore either old
 * or new, never half-written, and a failure while staging leaves the project untouched.
 * Staging and renaming are synchronous, so a Ctrl+C can only be handled after the last rename;
 * SIGINT/SIGTERM listeners stay attached until then (replacing the default "die now"), and a
 * signal that came in is re-raised once the files are whole.
 */
export function applyPlan(root: string, changes: readonly FileChange[]): ApplyResult {
  const staged: Array<{ tmp: string; full: string; path: string }> = [];
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals) => held.push(signal);
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  const written: string[] = [];
  try {
    try {
      for (const change of changes) {
        const full = join(root, change.path);
        mkdirSync(dirname(full), { recursive: true });
        const tmp = join(dirname(full), `.${basename(full)}.pusher-sidecar-${randomBytes(4).toString('hex')}.tmp`);
        staged.push({ tmp, full, path: change.path });
        writeFileSync(tmp, change.after, { mode: modeFor(full, change.path) });
      }
    } catch (err) {
      for (const { tmp } of staged) {
        try {
          unlinkSync(tmp);
        } catch (cleanupErr) {
          if ((cleanupErr as NodeJS.ErrnoException).code !== 'ENOENT') throw cleanupErr;
        }
      }
      return { ok: false, error: `nothing was written: ${(err as Error).message}`, written };
    }
    for (const { tmp, full, path } of staged) {
      try {
        renameSync(tmp, full);
        written.push(path);
      } catch (err) {
        return { ok: false, error: `${path}: ${(err as Error).message}`, written };
      }
    }
    return { ok: true, written };
  } finally {
    // Signals are delivered on the event loop, after this synchronous work: listen until then.
    setImmediate(() => {
      process.off('SIGINT', hold);
      process.off('SIGTERM', hold);
      if (held.length > 0) process.kill(process.pid, held[0]);
    });
  }
}
