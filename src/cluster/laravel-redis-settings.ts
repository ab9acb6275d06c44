import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

/**
 * `--adapter redis` without `--redis-url`: the Redis Laravel itself uses, from ./.env (REDIS_HOST,
 * REDIS_PORT, REDIS_USERNAME, REDIS_PASSWORD, REDIS_DB), with Laravel's defaults for what is unset.
 * Kept to this one function so a shared reader of Laravel projects can replace it.
 */
export function laravelRedisUrl(cwd: string): string {
  const path = resolve(cwd, '.env');
  let env: Record<string, string> = {};
  if (existsSync(path)) {
    try {
      env = parseDotenv(readFileSync(path));
    } catch {
      // An unreadable .env falls back to Laravel's defaults, as Laravel itself would.
      env = {};
    }
  }
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw === '' || raw === 'null' ? undefined : raw;
  };
  const host = value('REDIS_HOST') ?? '127.0.0.1';
  const port = value('REDIS_PORT') ?? '6379';
  const db = value('REDIS_DB') ?? '0';
  const user = value('REDIS_USERNAME');
  const password = value('REDIS_PASSWORD');
  const auth = password !== undefined ? `${encodeURIComponent(user ?? '')}:${encodeURIComponent(password)}@` : '';
  return `redis://${auth}${host.includes(':') ? `[${host}]` : host}:${port}/${db}`;
}

/** The URL without its password, for logs and messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}
