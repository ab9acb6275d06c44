import { readLaravelEnv as readProjectEnv, describeEnvProblem } from '../laravel/laravel-env.js';

export { broadcastDriver, prefixOf, type Driver } from '../laravel/broadcasting-env.js';

export type EnvRead =
  | { ok: true; path: string; values: Record<string, string> }
  | { ok: false; path: string; reason: string };

/**
 * The project's .env as each consumer sees it (src/laravel): Laravel's view for every key PHP
 * reads, and Vite's view for the VITE_* keys the browser bundle is built from, so a forward
 * reference that Vite resolves and PHP does not is judged where it is used. Never throws.
 */
export function readLaravelEnv(dir: string, processEnv: Record<string, string | undefined> = {}): EnvRead {
  const read = readProjectEnv(dir, processEnv);
  if (!read.ok) {
    // run-doctor prints "<path>: cannot be read (<reason>)".
    if (read.reason !== 'invalid') return { ok: false, path: read.path, reason: read.reason === 'missing' ? 'missing' : read.code };
    return { ok: false, path: read.path, reason: describeEnvProblem(read).slice(read.path.length).replace(/^:(\d+): /, 'line $1: ') };
  }
  const values: Record<string, string> = { ...read.env.php };
  for (const [name, value] of Object.entries(read.env.vite)) if (name.startsWith('VITE_')) values[name] = value;
  return { ok: true, path: read.env.path, values };
}
