import { randomBytes } from 'node:crypto';
import {
  closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
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

/** Thrown while staging; its message is shown as is. */
class RefusedPath extends Error {}

/**
 * Where a project path really lands, with every symlink resolved (also in directories that do not
 * exist yet, via their deepest existing ancestor). A path that leaves the project is refused
 * (`config -> /elsewhere` must not receive broadcasting.php). One exception, on purpose: a `.env`
 * that is itself a symlink (a deploy tool's shared/.env) is updated where it points, so the link
 * stays a link and the shared file gets the change.
 */
export function resolveWriteTarget(root: string, path: string): string {
  const realRoot = realpathSync(root);
  const full = join(root, path);
  let target = full;
  let linkedFile = false;
  try {
    if (lstatSync(full).isSymbolicLink()) {
      linkedFile = true;
      try {
        target = realpathSync(full);
      } catch {
        throw new RefusedPath(`${path} is a symlink to a missing file; fix or remove the link, then run the installer again`);
      }
    }
  } catch (err) {
    if (err instanceof RefusedPath) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const missing: string[] = [];
  let dir = dirname(target);
  while (!existsSync(dir)) {
    missing.unshift(basename(dir));
    dir = dirname(dir);
  }
  const real = join(realpathSync(dir), ...missing, basename(target));
  const inside = real.startsWith(realRoot + sep);
  if (!inside && !(linkedFile && path === '.env')) {
    throw new RefusedPath(`${path} resolves to ${real}, outside the project ${realRoot} (through a symlink); `
      + `refusing to write there. Replace the link with a real ${missing.length > 0 || !linkedFile ? 'directory' : 'file'}, or make this change yourself`);
  }
  // The resolved path: a link (to a file in or, for .env, out of the project) stays a link.
  return real;
}

/** Writes and flushes a new file, so a crash after the rename never leaves an empty file. */
function writeDurably(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    // Some file systems refuse fsync on a directory; the data itself is already flushed.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes every change atomically: each file's new text goes to a flushed temporary file next to
 * its real target, and only when all of them are staged are they renamed into place. A file is
 * therefore either old or new, never half-written, and a failure while staging (including a path
 * that leads out of the project) leaves the project untouched.
 * Staging and renaming are synchronous, so a Ctrl+C can only be handled after the last rename;
 * SIGINT/SIGTERM listeners stay attached until then (replacing the default "die now"), and a
 * signal that came in is re-raised once the files are whole.
 */
export async function applyPlan(root: string, changes: readonly FileChange[]): Promise<ApplyResult> {
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals) => held.push(signal);
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  let result: ApplyResult;
  try {
    result = writeChanges(root, changes);
  } finally {
    // A signal that came in during the synchronous writes is dispatched in the next poll phase,
    // before setImmediate callbacks: wait for it here, so the listeners are gone before the
    // caller goes on (installs run back to back in one process used to pile them up, which is
    // what printed MaxListenersExceededWarning in the tests).
    await new Promise<void>((resolve) => setImmediate(resolve));
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
  }
  if (held.length > 0) process.kill(process.pid, held[0]);
  return result;
}

function writeChanges(root: string, changes: readonly FileChange[]): ApplyResult {
  const staged: Array<{ tmp: string; full: string; path: string }> = [];
  const written: string[] = [];
  try {
    const targets = changes.map((change) => ({ change, full: resolveWriteTarget(root, change.path) }));
    for (const { change, full } of targets) {
      mkdirSync(dirname(full), { recursive: true });
      const tmp = join(dirname(full), `.${basename(full)}.pusher-sidecar-${randomBytes(4).toString('hex')}.tmp`);
      staged.push({ tmp, full, path: change.path });
      writeDurably(tmp, change.after, modeFor(full, change.path));
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
  for (const dir of new Set(staged.map(({ full }) => dirname(full)))) syncDirectory(dir);
  return { ok: true, written };
}
