import { laravelEnvString } from './php-dotenv.js';
import type { EnvValues } from './laravel-env.js';

export type Driver = 'reverb' | 'pusher';
export type EnvPrefix = 'REVERB_' | 'PUSHER_';

/** What `env('NAME')` gives as a string (null/empty/quote conversions); undefined when unset. */
export function envString(env: EnvValues, name: string): string | undefined {
  return laravelEnvString(Object.hasOwn(env, name) ? env[name] : undefined);
}

/** BROADCAST_CONNECTION (Laravel 11+) or BROADCAST_DRIVER (10 and older). */
export function broadcastDriver(env: EnvValues): { name: 'BROADCAST_CONNECTION' | 'BROADCAST_DRIVER'; value: string | undefined } {
  // `null` stays the word here: Laravel then uses the null driver, and messages should say so.
  const read = (name: string) => (Object.hasOwn(env, name) ? envString(env, name) ?? env[name] : undefined);
  const connection = read('BROADCAST_CONNECTION');
  if (connection !== undefined) return { name: 'BROADCAST_CONNECTION', value: connection };
  const driver = read('BROADCAST_DRIVER');
  return { name: driver !== undefined ? 'BROADCAST_DRIVER' : 'BROADCAST_CONNECTION', value: driver };
}

export function prefixOf(driver: Driver): EnvPrefix {
  return driver === 'reverb' ? 'REVERB_' : 'PUSHER_';
}

const CREDENTIAL_SUFFIXES = ['APP_ID', 'APP_KEY', 'APP_SECRET'] as const;

/**
 * Which key set holds the app, decided once for every command:
 * - the broadcast driver, when it is `reverb` or `pusher`;
 * - else (log, null, unset) the set whose APP_KEY is filled in, REVERB_ first;
 * - else the set whose keys are present at all (a copied .env.example), REVERB_ first;
 * - else none: this .env says nothing about broadcasting credentials.
 */
export function broadcastingPrefix(env: EnvValues): { driver?: Driver; prefix?: EnvPrefix } {
  const { value } = broadcastDriver(env);
  if (value === 'reverb' || value === 'pusher') return { driver: value, prefix: prefixOf(value) };
  for (const prefix of ['REVERB_', 'PUSHER_'] as const) {
    if (envString(env, `${prefix}APP_KEY`)) return { prefix };
  }
  for (const prefix of ['REVERB_', 'PUSHER_'] as const) {
    if (CREDENTIAL_SUFFIXES.some((suffix) => Object.hasOwn(env, prefix + suffix))) return { prefix };
  }
  return {};
}

export interface LaravelCredentials {
  prefix: EnvPrefix;
  id?: string;
  key?: string;
  secret?: string;
  /** Key names present in .env but empty (or null). */
  empty: string[];
  /** Key names not present at all. */
  absent: string[];
}

/** The app id, key and secret Laravel signs with, under the chosen prefix. */
export function laravelCredentials(env: EnvValues, prefix: EnvPrefix): LaravelCredentials {
  const out: LaravelCredentials = { prefix, empty: [], absent: [] };
  const fields = { APP_ID: 'id', APP_KEY: 'key', APP_SECRET: 'secret' } as const;
  for (const suffix of CREDENTIAL_SUFFIXES) {
    const name = prefix + suffix;
    const value = envString(env, name);
    if (value) out[fields[suffix]] = value;
    else if (Object.hasOwn(env, name)) out.empty.push(name);
    else out.absent.push(name);
  }
  return out;
}

/** APP_URL as a URL, or null when unset or not http(s). */
export function laravelAppUrl(env: EnvValues): URL | null {
  const raw = envString(env, 'APP_URL');
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    // APP_URL is user input; a malformed one gives no URL (doctor reports it).
    return null;
  }
}

export interface LaravelRedis {
  host: string;
  port: number;
  username?: string;
  /** A secret: never log it. */
  password?: string;
  db: number;
  tls: boolean;
  /** Which .env names decided it, for messages. */
  from: string[];
}

/**
 * Laravel's default Redis connection (config/database.php `redis.default`): REDIS_HOST (127.0.0.1),
 * REDIS_PORT (6379), REDIS_USERNAME, REDIS_PASSWORD, REDIS_DB (0); REDIS_URL, when set, wins part
 * by part as Laravel's ConfigurationUrlParser does (`rediss://` means TLS). Returns the name that
 * holds a value Laravel could not use either, with a sentence saying what it must be.
 */
export function laravelRedis(env: EnvValues): { ok: true; value: LaravelRedis } | { ok: false; name: string; error: string } {
  const from: string[] = [];
  const read = (name: string) => {
    const value = envString(env, name);
    if (value !== undefined && value !== '') from.push(name);
    return value === '' ? undefined : value;
  };
  const redis: LaravelRedis = { host: read('REDIS_HOST') ?? '127.0.0.1', port: 6379, db: 0, tls: false, from };
  const port = read('REDIS_PORT');
  const db = read('REDIS_DB');
  const username = read('REDIS_USERNAME');
  const password = read('REDIS_PASSWORD');
  if (username !== undefined) redis.username = username;
  if (password !== undefined) redis.password = password;
  // Which name gave the port and the database, so an error points at the line to fix.
  let portFrom = 'REDIS_PORT';
  let dbFrom = 'REDIS_DB';
  if (port !== undefined) redis.port = Number(port);
  if (db !== undefined) redis.db = Number(db);
  const rawUrl = read('REDIS_URL');
  if (rawUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      // The URL may hold a password: the message names the key only.
      return { ok: false, name: 'REDIS_URL', error: 'REDIS_URL is not a URL (redis://[user:password@]host:port/db)' };
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:' && url.protocol !== 'tls:') {
      return { ok: false, name: 'REDIS_URL', error: 'REDIS_URL must start with redis:// or rediss://' };
    }
    redis.tls = url.protocol !== 'redis:';
    if (url.hostname) redis.host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.port) {
      redis.port = Number(url.port);
      portFrom = 'REDIS_URL';
    }
    if (url.username) redis.username = decodeURIComponent(url.username);
    if (url.password) redis.password = decodeURIComponent(url.password);
    const path = url.pathname.replace(/^\//, '');
    if (path || url.searchParams.has('database')) {
      redis.db = Number(path || url.searchParams.get('database'));
      dbFrom = 'REDIS_URL';
    }
  }
  if (!Number.isInteger(redis.port) || redis.port < 1 || redis.port > 65535) {
    return { ok: false, name: portFrom, error: `${portFrom === 'REDIS_URL' ? "REDIS_URL's port" : 'REDIS_PORT'} must be a port number (1-65535)` };
  }
  if (!Number.isInteger(redis.db) || redis.db < 0) {
    return { ok: false, name: dbFrom, error: `${dbFrom === 'REDIS_URL' ? "REDIS_URL's database" : 'REDIS_DB'} must be a whole number ≥ 0` };
  }
  return { ok: true, value: redis };
}
