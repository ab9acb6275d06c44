import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

export type Driver = 'reverb' | 'pusher';

export type EnvRead =
  | { ok: true; path: string; values: Record<string, string> }
  | { ok: false; path: string; reason: string };

/**
 * `${NAME}` references, as phpdotenv (Laravel) and Vite resolve them: the installer writes
 * `VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"`. Earlier lines first, then the process environment.
 */
export function expandEnv(raw: Record<string, string>, processEnv: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const lookup = (name: string, depth: number): string => {
    if (name in out) return out[name]!;
    const value = raw[name] ?? processEnv[name];
    return value === undefined || depth > 5 ? '' : expand(value, depth + 1);
  };
  const expand = (value: string, depth: number): string => value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => lookup(name, depth));
  for (const [name, value] of Object.entries(raw)) out[name] = expand(value, 0);
  return out;
}

/** Reads and expands the project's .env; never throws (a broken file is a doctor finding). */
export function readLaravelEnv(dir: string, processEnv: Record<string, string | undefined> = {}): EnvRead {
  const path = join(dir, '.env');
  if (!existsSync(path)) return { ok: false, path, reason: 'missing' };
  try {
    return { ok: true, path, values: expandEnv(parseDotenv(readFileSync(path)), processEnv) };
  } catch (err) {
    return { ok: false, path, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** BROADCAST_CONNECTION (Laravel 11+) or BROADCAST_DRIVER (10 and older). */
export function broadcastDriver(env: Record<string, string>): { name: string; value: string | undefined } {
  if (env.BROADCAST_CONNECTION !== undefined) return { name: 'BROADCAST_CONNECTION', value: env.BROADCAST_CONNECTION };
  return { name: env.BROADCAST_DRIVER !== undefined ? 'BROADCAST_DRIVER' : 'BROADCAST_CONNECTION', value: env.BROADCAST_DRIVER };
}

export function prefixOf(driver: Driver): 'REVERB_' | 'PUSHER_' {
  return driver === 'reverb' ? 'REVERB_' : 'PUSHER_';
}
