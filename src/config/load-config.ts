import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { App } from '../apps/app.js';
import { closestName } from './closest-name.js';
import { coerceOption } from './coerce-option.js';
import { parseApps } from './parse-apps.js';
import { CONFIG_SCHEMA, OPTION_KEYS, defaultConfig, envName, flagName, type Config, type OptionKey } from './schema.js';

export interface ConfigSources {
  cwd: string;
  /** The real process environment; it wins over ./.env. */
  env: Record<string, string | undefined>;
  /** Only the flags the user actually gave, keyed by option. */
  flags?: Partial<Record<OptionKey, unknown>>;
  unknownFlags?: readonly string[];
  /** `--config FILE`. */
  configFile?: string;
}

export interface LoadedConfig {
  /** Frozen: nothing changes an option after loading. */
  config: Readonly<Config>;
  apps: App[];
  warnings: string[];
  /** True when the embedded development credentials are in use. */
  devCredentials: boolean;
  /** The Laravel .env that was read, if any. */
  envFile?: string;
}

export type LoadConfigResult = { ok: true; value: LoadedConfig } | { ok: false; errors: string[] };

const ENV_NAMES = new Map(OPTION_KEYS.map((key) => [envName(key), key]));
const CONFIG_ENV = 'PUSHER_SIDECAR_CONFIG';

function readJson(path: string, what: string, errors: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    errors.push(`${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the path`);
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    errors.push(`${what} ${path}: is not valid JSON (${(err as Error).message})`);
    return undefined;
  }
}

function readLaravelEnv(cwd: string, errors: string[]): { path?: string; values: Record<string, string> } {
  const path = resolve(cwd, '.env');
  if (!existsSync(path)) return { values: {} };
  try {
    return { path, values: parseDotenv(readFileSync(path)) };
  } catch (err) {
    errors.push(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return { values: {} };
  }
}

function isValidCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

/**
 * Builds the config from its layers: defaults < --config FILE < ./.env and the environment < flags.
 * Laravel's own PUSHER_APP_* (or REVERB_APP_* when BROADCAST_CONNECTION=reverb) fill the single app.
 * Every problem is collected; nothing falls back silently.
 */
export function loadConfig(sources: ConfigSources): LoadConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const values = defaultConfig() as unknown as Record<OptionKey, unknown>;
  const setBy = new Map<OptionKey, string>();

  const apply = (key: OptionKey, raw: unknown, origin: string) => {
    const result = coerceOption(key, raw);
    if (result.ok) {
      values[key] = result.value;
      setBy.set(key, origin);
    } else {
      errors.push(`${origin}: ${result.error}`);
    }
  };

  for (const flag of sources.unknownFlags ?? []) {
    const hint = closestName(flag.replace(/=.*$/, ''), OPTION_KEYS.map(flagName).concat('--config'));
    errors.push(`${flag}: unknown option${hint ? ` (did you mean ${hint}?)` : ''}`);
  }

  const laravel = readLaravelEnv(sources.cwd, errors);
  const env: Record<string, string | undefined> = { ...laravel.values, ...sources.env };

  let fileApps: unknown;
  const configFile = sources.configFile ?? env[CONFIG_ENV];
  if (configFile) {
    const path = resolve(sources.cwd, configFile);
    const json = readJson(path, 'config file', errors);
    if (json !== undefined) {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        errors.push(`config file ${path}: must be a JSON object of options`);
      } else {
        for (const [name, raw] of Object.entries(json)) {
          if (name === 'apps') fileApps = raw;
          else if (name in CONFIG_SCHEMA) apply(name as OptionKey, raw, `config file ${path}: "${name}"`);
          else {
            const hint = closestName(name, [...OPTION_KEYS, 'apps']);
            errors.push(`config file ${path}: unknown key "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
          }
        }
      }
    }
  }

  const driver = env.BROADCAST_CONNECTION ?? env.BROADCAST_DRIVER;
  const prefix = driver === 'reverb' ? 'REVERB_' : 'PUSHER_';
  const laravelApp: Array<[OptionKey, string]> = [['appId', 'APP_ID'], ['appKey', 'APP_KEY'], ['appSecret', 'APP_SECRET']];
  for (const [key, suffix] of laravelApp) {
    const value = env[prefix + suffix];
    if (value) apply(key, value, prefix + suffix);
  }

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('PUSHER_SIDECAR_') || name === CONFIG_ENV || raw === undefined) continue;
    const key = ENV_NAMES.get(name);
    if (key) {
      apply(key, raw, name);
    } else {
      const hint = closestName(name, [...ENV_NAMES.keys()]);
      warnings.push(`${name} is not a known setting and is ignored${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }

  for (const [key, raw] of Object.entries(sources.flags ?? {})) {
    if (raw !== undefined) apply(key as OptionKey, raw, flagName(key));
  }

  const config = values as unknown as Config;
  for (const key of ['authUrl', 'userAuthUrl', 'webhookUrl'] as const) {
    if (config[key] && !/^https?:\/\/[^/]/.test(config[key])) errors.push(`${flagName(key)}: must be an http:// or https:// URL`);
  }
  if (config.redisUrl && !/^rediss?:\/\/[^/]/.test(config.redisUrl)) errors.push(`${flagName('redisUrl')}: must be a redis:// or rediss:// URL`);
  if (config.httpHeadersTimeout > config.httpRequestTimeout) {
    errors.push(`${flagName('httpHeadersTimeout')}: must not be longer than ${flagName('httpRequestTimeout')} (${config.httpRequestTimeout} s); lower it or raise the request timeout`);
  }
  for (const entry of config.trustProxy) {
    if (!isValidCidr(entry)) errors.push(`${flagName('trustProxy')}: "${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8)`);
  }

  let apps: App[] = [];
  if (config.appsFile) {
    const path = resolve(sources.cwd, config.appsFile);
    const json = readJson(path, 'apps file', errors);
    if (json !== undefined) apps = parseApps(json, `apps file ${path}`, errors);
  } else if (fileApps !== undefined) {
    apps = parseApps(fileApps, 'config file "apps"', errors);
  } else {
    if (!config.appId || !config.appKey || !config.appSecret) errors.push('app id, key and secret must not be empty (--app-id, --app-key, --app-secret)');
    apps = [{
      id: config.appId, key: config.appKey, secret: config.appSecret, enabled: true,
      enableClientMessages: config.enableClientMessages, maxConnections: 0,
      ...(config.subscriptionCount ? { subscriptionCount: true } : {}),
      webhooks: config.webhookUrl ? [{ url: config.webhookUrl, events: config.webhookEvents as App['webhooks'][number]['events'] }] : [],
    }];
  }

  if (errors.length > 0) return { ok: false, errors };
  const devCredentials = !config.appsFile && fileApps === undefined && !setBy.has('appKey') && !setBy.has('appSecret');
  const value: LoadedConfig = { config: Object.freeze(config), apps, warnings, devCredentials };
  if (laravel.path) value.envFile = laravel.path;
  return { ok: true, value };
}
