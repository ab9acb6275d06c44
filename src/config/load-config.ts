import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { App } from '../apps/app.js';
import { redisUrlOf } from '../cluster/redis-url.js';
import { broadcastingPrefix, laravelCredentials, laravelRedis } from '../laravel/broadcasting-env.js';
import { describeEnvProblem, readLaravelEnv } from '../laravel/laravel-env.js';
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

/** ./.env as Laravel reads it (phpdotenv rules, see src/laravel); a file Laravel refuses is an error here too. */
function laravelValues(cwd: string, processEnv: ConfigSources['env'], errors: string[]): { path?: string; values: Record<string, string> } {
  const read = readLaravelEnv(resolve(cwd), processEnv);
  if (read.ok) return { path: read.env.path, values: read.env.php };
  if (read.reason !== 'missing') errors.push(describeEnvProblem(read));
  return { values: Object.create(null) as Record<string, string> };
}

/** The single app's options, the App field each fills, and the suffix of Laravel's key for it. */
const CREDENTIALS = [['appId', 'id', 'APP_ID'], ['appKey', 'key', 'APP_KEY'], ['appSecret', 'secret', 'APP_SECRET']] as const;

/** "--app-id (PUSHER_SIDECAR_APP_ID)" */
const credentialNames = (key: OptionKey) => `${flagName(key)} (${envName(key)})`;

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
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

  const laravel = laravelValues(sources.cwd, sources.env, errors);
  const env: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string | undefined>, laravel.values, sources.env);

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
          // Own properties only: "constructor" or "__proto__" must be unknown keys, not Object's.
          else if (Object.hasOwn(CONFIG_SCHEMA, name)) apply(name as OptionKey, raw, `config file ${path}: "${name}"`);
          else {
            const hint = closestName(name, [...OPTION_KEYS, 'apps']);
            errors.push(`config file ${path}: unknown key "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
          }
        }
      }
    }
  }

  // Laravel's own credentials (REVERB_APP_* or PUSHER_APP_*, chosen as everywhere else: src/laravel).
  const { prefix } = broadcastingPrefix(env as Record<string, string>);
  const laravelApp = prefix ? laravelCredentials(env as Record<string, string>, prefix) : undefined;
  if (laravelApp) {
    for (const [key, field, suffix] of CREDENTIALS) {
      const value = laravelApp[field];
      if (value) apply(key, value, `${prefix}${suffix}`);
    }
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
  if (config.adapter === 'redis' && config.redisUrl === '') useLaravelRedis(config, env, sources.env, laravel.path, errors);
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
    checkSingleAppCredentials(config, setBy, laravelApp, laravel.path, errors);
    apps = [{
      id: config.appId, key: config.appKey, secret: config.appSecret, enabled: true,
      enableClientMessages: config.enableClientMessages, maxConnections: 0,
      ...(config.subscriptionCount ? { subscriptionCount: true } : {}),
      webhooks: config.webhookUrl ? [{ url: config.webhookUrl, events: config.webhookEvents as App['webhooks'][number]['events'] }] : [],
    }];
  }

  if (errors.length > 0) return { ok: false, errors };
  const devCredentials = !config.appsFile && fileApps === undefined && !CREDENTIALS.some(([key]) => setBy.has(key));
  if (!devCredentials && (config.appsFile || fileApps !== undefined)) {
    const ignored = CREDENTIALS.filter(([key]) => setBy.has(key)).map(([key]) => setBy.get(key)!);
    if (ignored.length > 0) warnings.push(`${joinWords(ignored)} ${ignored.length > 1 ? 'are' : 'is'} ignored: the apps ${config.appsFile ? 'file' : 'in the config file'} define every app`);
  }
  const value: LoadedConfig = { config: Object.freeze(config), apps, warnings, devCredentials };
  if (laravel.path) value.envFile = laravel.path;
  return { ok: true, value };
}

/**
 * --adapter redis without --redis-url: the cluster shares the Redis Laravel's default connection
 * uses, read from the same .env and environment as Laravel (REDIS_URL winning, rediss:// for TLS),
 * and becomes the --redis-url. A value Laravel could not use either is a config error naming where
 * it is set; the message never carries the value, which may hold a password.
 */
function useLaravelRedis(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  processEnv: ConfigSources['env'],
  envPath: string | undefined,
  errors: string[],
): void {
  const redis = laravelRedis(env as Record<string, string>);
  if (redis.ok) {
    config.redisUrl = redisUrlOf(redis.value);
    return;
  }
  const where = processEnv[redis.name] !== undefined ? 'the environment (it overrides .env)' : envPath ?? '.env';
  errors.push(`${where}: ${redis.error}. ${flagName('adapter')} redis connects to Laravel's Redis, so fix ${redis.name} `
    + `(Laravel cannot connect with it either), or give the cluster's Redis with ${flagName('redisUrl')}`);
}

/**
 * The single app's credentials never fall back silently: the embedded development app is used
 * only when no source gave any of id, key and secret. A partial set would otherwise run with the
 * public development secret (anyone could sign API publishes), so it is an error naming the
 * missing parts, and so are Laravel credential keys that are present but empty (a copied
 * .env.example).
 */
function checkSingleAppCredentials(
  config: Config,
  setBy: ReadonlyMap<OptionKey, string>,
  laravelApp: ReturnType<typeof laravelCredentials> | undefined,
  envPath: string | undefined,
  errors: string[],
): void {
  const given = CREDENTIALS.filter(([key]) => setBy.has(key));
  const emptyLaravel = (laravelApp?.empty ?? []).filter((name) => {
    const [key] = CREDENTIALS.find(([, , suffix]) => name.endsWith(suffix))!;
    return !setBy.has(key);
  });
  if (emptyLaravel.length > 0) {
    errors.push(`${envPath ?? '.env'}: ${joinWords(emptyLaravel)} ${emptyLaravel.length > 1 ? 'are' : 'is'} empty, so Laravel and the sidecar have no app to share; `
      + 'run "npx pusher-sidecar install" in the Laravel project (it generates them), or fill them in');
    return;
  }
  for (const [key] of given) {
    if (config[key] === '') errors.push(`${setBy.get(key)}: must not be empty`);
  }
  if (given.length === 0 || given.length === CREDENTIALS.length) return;
  const missing = CREDENTIALS.filter(([key]) => !setBy.has(key));
  const prefix = laravelApp?.prefix;
  const howToSet = missing.map(([key, , suffix]) => `${credentialNames(key)}${prefix ? ` or ${prefix}${suffix} in .env` : ''}`);
  errors.push(`incomplete app credentials: ${joinWords(given.map(([key]) => setBy.get(key)!))} ${given.length > 1 ? 'were' : 'was'} given, `
    + `but not the app ${joinWords(missing.map(([, field]) => field))}. Set ${joinWords(howToSet)}; `
    + 'the built-in development app is only used when no credential is given at all');
}
