import { isValidHost, parsePort } from './addresses.js';

/** Every answer of the installer, as flags. Undefined means "not given": prompt or use the default. */
export interface InstallOptions {
  yes?: boolean;
  publicHost?: string;
  publicPort?: string | number;
  scheme?: string;
  host?: string;
  port?: string | number;
  appId?: string;
  appKey?: string;
  appSecret?: string;
  clientEvents?: boolean;
  serverAuth?: boolean;
  authUrl?: string;
  service?: string;
  /** `--no-deps` sets this to false. */
  deps?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export const SERVICE_KINDS = ['none', 'systemd', 'supervisor'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface CheckedOptions {
  yes: boolean;
  publicHost?: string;
  publicPort?: number;
  scheme?: 'http' | 'https';
  host?: string;
  port?: number;
  appId?: string;
  appKey?: string;
  appSecret?: string;
  clientEvents?: boolean;
  serverAuth?: boolean;
  authUrl?: string;
  service?: ServiceKind;
  deps: boolean;
  dryRun: boolean;
  force: boolean;
}

export type CheckOptionsResult = { ok: true; options: CheckedOptions } | { ok: false; errors: string[] };

/** The key travels in the WebSocket path (/app/{key}) and the id in API paths (/apps/{id}). */
const PATH_SAFE = /^[A-Za-z0-9._-]+$/;
const SECRET_SAFE = /^[A-Za-z0-9._~+/=-]+$/;

/** Checks flag values; every problem is reported at once, each naming its flag. */
export function checkInstallOptions(raw: InstallOptions): CheckOptionsResult {
  const errors: string[] = [];
  const out: CheckedOptions = { yes: raw.yes === true, deps: raw.deps !== false, dryRun: raw.dryRun === true, force: raw.force === true };

  for (const [flag, value, key] of [['--public-host', raw.publicHost, 'publicHost'], ['--host', raw.host, 'host']] as const) {
    if (value === undefined) continue;
    if (isValidHost(value)) out[key] = value;
    else errors.push(`${flag}: "${value}" is not a host name or IP address`);
  }
  for (const [flag, value, key] of [['--public-port', raw.publicPort, 'publicPort'], ['--port', raw.port, 'port']] as const) {
    if (value === undefined) continue;
    const port = parsePort(value);
    if (port !== null) out[key] = port;
    else errors.push(`${flag}: must be a port number between 1 and 65535`);
  }
  if (raw.scheme !== undefined) {
    if (raw.scheme === 'http' || raw.scheme === 'https') out.scheme = raw.scheme;
    else errors.push('--scheme: must be http or https');
  }
  for (const [flag, value, key] of [['--app-id', raw.appId, 'appId'], ['--app-key', raw.appKey, 'appKey']] as const) {
    if (value === undefined) continue;
    if (PATH_SAFE.test(value)) out[key] = value;
    else errors.push(`${flag}: use letters, digits, dot, dash or underscore only (it appears in URLs)`);
  }
  if (raw.appSecret !== undefined) {
    // Never echo the value back. Quotes, backslashes and $ are refused because PHP's dotenv
    // unescapes and interpolates them in quoted values while Node's does not, so Laravel and the
    // sidecar would sign with different secrets.
    if (SECRET_SAFE.test(raw.appSecret)) out.appSecret = raw.appSecret;
    else errors.push('--app-secret: use letters, digits and . _ ~ + / = - only (it must read the same in PHP and Node)');
  }
  if (raw.authUrl !== undefined) {
    if (/^https?:\/\/[^/\s]+/.test(raw.authUrl)) out.authUrl = raw.authUrl;
    else errors.push('--auth-url: must be an http:// or https:// URL');
  }
  if (raw.service !== undefined) {
    if ((SERVICE_KINDS as readonly string[]).includes(raw.service)) out.service = raw.service as ServiceKind;
    else errors.push(`--service: must be one of ${SERVICE_KINDS.join(', ')}`);
  }
  if (raw.clientEvents !== undefined) out.clientEvents = raw.clientEvents;
  if (raw.serverAuth !== undefined) out.serverAuth = raw.serverAuth;

  return errors.length > 0 ? { ok: false, errors } : { ok: true, options: out };
}
