import { CONFIG_SCHEMA, envName, type OptionKey } from '../config/schema.js';

/**
 * The sidecar settings the installer writes into the Laravel .env, named from the config schema
 * (`serve` reads PUSHER_SIDECAR_* from ./.env), so a renamed option cannot silently break installs.
 */
const keys = ['host', 'port', 'enableClientMessages', 'authUrl', 'userAuthUrl', 'allowedOrigins'] as const satisfies readonly OptionKey[];

export const SIDECAR_ENV = Object.fromEntries(keys.map((key) => [key, envName(key)])) as Record<(typeof keys)[number], string>;

/** Where `serve` listens by default. */
export const SIDECAR_DEFAULTS = { host: CONFIG_SCHEMA.host.default, port: CONFIG_SCHEMA.port.default } as const;
