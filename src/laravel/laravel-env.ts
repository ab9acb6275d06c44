import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePhpDotenv, resolvePhpDotenv } from './php-dotenv.js';
import { resolveViteEnv } from './vite-env.js';

export type EnvValues = Readonly<Record<string, string>>;

/**
 * One Laravel project's `.env`, seen three ways, so serve, doctor, status and the installer read
 * the same file the same way:
 * - `php`: what Laravel's `env()` gets (phpdotenv rules; the process environment wins);
 * - `vite`: what the front-end bundle gets in `import.meta.env` (Vite rules);
 * - `raw`: each value as written, after quotes and escapes but with `${NAME}` unexpanded.
 * Only the names the file defines are listed; the process environment overrides their values.
 */
export interface LaravelEnv {
  path: string;
  text: string;
  php: EnvValues;
  vite: EnvValues;
  raw: EnvValues;
}

export type LaravelEnvRead =
  | { ok: true; env: LaravelEnv }
  | { ok: false; path: string; reason: 'missing' }
  | { ok: false; path: string; reason: 'unreadable'; code: string }
  | { ok: false; path: string; reason: 'invalid'; error: string; line: number };

/** An object without a prototype, so names like `__proto__` or `constructor` are plain keys. */
function record(entries: Iterable<[string, string]>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) out[name] = value;
  return out;
}

/** Reads a .env text; a file Laravel would refuse is reported with its line. */
export function parseLaravelEnv(text: string, path: string, processEnv: Readonly<Record<string, string | undefined>> = {}): LaravelEnvRead {
  const parsed = parsePhpDotenv(text);
  if (!parsed.ok) return { ok: false, path, reason: 'invalid', error: parsed.error, line: parsed.line };
  const raw = record(parsed.entries.flatMap((entry) => (entry.value ? [[entry.name, entry.value.chars] as [string, string]] : [])));
  const php = record(resolvePhpDotenv(parsed.entries, processEnv));
  for (const name of Object.keys(raw)) {
    const external = Object.hasOwn(processEnv, name) ? processEnv[name] : undefined;
    if (external !== undefined) php[name] = external;
  }
  const vite = record(resolveViteEnv(text, processEnv));
  return { ok: true, env: { path, text, php, vite, raw } };
}

/** Reads `<dir>/.env`. Never throws: a missing, unreadable or invalid file is a result. */
export function readLaravelEnv(dir: string, processEnv: Readonly<Record<string, string | undefined>> = {}): LaravelEnvRead {
  const path = join(dir, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' ? { ok: false, path, reason: 'missing' } : { ok: false, path, reason: 'unreadable', code };
  }
  return parseLaravelEnv(text, path, processEnv);
}

/** One sentence for a failed read, naming the file. */
export function describeEnvProblem(read: Exclude<LaravelEnvRead, { ok: true }>): string {
  switch (read.reason) {
    case 'missing':
      return `${read.path}: not found`;
    case 'unreadable':
      return `${read.path}: cannot be read (${read.code})`;
    case 'invalid':
      return `${read.path}:${read.line}: Laravel cannot load this file (phpdotenv: ${read.error}); quote values that contain spaces, # or $`;
  }
}
