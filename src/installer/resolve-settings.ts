import {
  addressOfUrl, bareHost, formatPublicUrl, isValidHost, parseHostPort, parsePort, parsePublicUrl, urlHost,
  type PublicAddress,
} from './addresses.js';
import { resolveCredentials, type Credentials, type ResolvedCredentials } from './credentials.js';
import { broadcastingPrefix, laravelAppUrl } from '../laravel/broadcasting-env.js';
import type { LaravelProject } from './detect-project.js';
import type { CheckedOptions, ServiceKind } from './install-options.js';
import type { InstallPrompts } from './install-prompts.js';
import { SIDECAR_DEFAULTS, SIDECAR_ENV } from './sidecar-env.js';

export type Connection = 'reverb' | 'pusher';

/** Everything the plan needs, decided once: from flags, prompts, and what the project already has. */
export interface InstallSettings {
  connection: Connection;
  /** REVERB or PUSHER: the prefix of the Laravel env keys of that connection. */
  envPrefix: 'REVERB' | 'PUSHER';
  /** Write BROADCAST_CONNECTION even though it holds another driver (log/null are always replaced). */
  switchConnection: boolean;
  credentials: ResolvedCredentials;
  /** Where the sidecar listens (PUSHER_SIDECAR_HOST/PORT); IPv6 without brackets. */
  sidecar: { host: string; port: number };
  /** Where PHP posts events: the sidecar's address, a wildcard bind turned into loopback, IPv6 in brackets. */
  phpTarget: { host: string; port: number };
  /** What the browser connects to: the site through Caddy. */
  publicAddress: PublicAddress;
  /** Origin of APP_URL, used for the server-auth URLs and the origin allow-list. */
  appOrigin: string;
  /** Set only when the WebSocket host differs from the page host (the sidecar's default compares them). */
  allowedOrigins: string | null;
  clientEvents: boolean;
  serverAuth: boolean;
  authUrl: string;
  userAuthUrl: string;
  service: ServiceKind;
  installDeps: boolean;
  force: boolean;
  dryRun: boolean;
  interactive: boolean;
}


const isReference = (value: string | undefined) => value !== undefined && value.includes('${');
const truthy = (value: string | undefined) => value !== undefined && /^(true|1|yes|on)$/i.test(value);

/**
 * The key set serve and doctor read (src/laravel decides it from .env), else pusher when the
 * config only knows the pusher connection (Laravel 10), else Reverb.
 */
export function chooseConnection(project: LaravelProject): Connection {
  const { prefix } = broadcastingPrefix(project.env);
  if (prefix) return prefix === 'REVERB_' ? 'reverb' : 'pusher';
  const config = project.files.read('config/broadcasting.php');
  if (config && /['"]pusher['"]\s*=>/.test(config) && !/['"]reverb['"]\s*=>/.test(config)) return 'pusher';
  return 'reverb';
}

export function defaultPublicAddress(project: LaravelProject, prefix: string, appUrl: URL | null): PublicAddress {
  const raw = project.envRaw;
  const host = raw[`VITE_${prefix}_HOST`];
  const port = raw[`VITE_${prefix}_PORT`];
  const scheme = raw[`VITE_${prefix}_SCHEME`];
  // A previous run wrote literal values; Laravel's own stubs write "${REVERB_HOST}" references,
  // which point at the internal address and are exactly what we are here to fix.
  if (host && !isReference(host) && isValidHost(host) && port && parsePort(port) && (scheme === 'http' || scheme === 'https')) {
    const previous: PublicAddress = { scheme, host, port: parsePort(port)! };
    // APP_URL moved since that run (a new domain, or https now): offer the new site. A public
    // host chosen on purpose is kept: that run allowed APP_URL's origin next to it.
    if (appUrl && !isDeliberateAddress(project, previous, appUrl)) return addressOfUrl(appUrl);
    return previous;
  }
  if (appUrl) return addressOfUrl(appUrl);
  return { scheme: 'http', host: 'localhost', port: 80 };
}

function isDeliberateAddress(project: LaravelProject, previous: PublicAddress, appUrl: URL): boolean {
  const site = addressOfUrl(appUrl);
  if (previous.host === site.host && previous.scheme === site.scheme) return true;
  const allowed = (project.env[SIDECAR_ENV.allowedOrigins] ?? '').split(',').map((origin) => origin.trim());
  return allowed.includes(appUrl.origin);
}

function existingServiceKind(project: LaravelProject): ServiceKind {
  if (project.files.exists('pusher-sidecar.service')) return 'systemd';
  if (project.files.exists('pusher-sidecar.supervisor.conf')) return 'supervisor';
  return 'none';
}

export interface ResolveContext {
  project: LaravelProject;
  options: CheckedOptions;
  prompts: InstallPrompts;
  interactive: boolean;
  warnings: string[];
  generateCredentials?: () => Credentials;
}

/**
 * Turns flags, answers and the project's current state into settings. Every default comes from
 * what is already there, so running the installer again with no flags reproduces the same files.
 * All questions are asked here, before anything is written.
 */
export async function resolveSettings(ctx: ResolveContext): Promise<InstallSettings> {
  const { project, options, prompts, interactive, warnings } = ctx;
  const env = project.env;
  const connection = chooseConnection(project);
  const prefix = connection === 'reverb' ? 'REVERB' : 'PUSHER';
  const appUrl = laravelAppUrl(env);

  // Public address (the browser side).
  let publicAddress = defaultPublicAddress(project, prefix, appUrl);
  const anyPublicFlag = options.publicHost !== undefined || options.publicPort !== undefined || options.scheme !== undefined;
  if (anyPublicFlag) {
    const scheme = options.scheme ?? publicAddress.scheme;
    const schemeChanged = options.scheme !== undefined && options.scheme !== publicAddress.scheme;
    publicAddress = {
      scheme,
      host: options.publicHost ?? publicAddress.host,
      port: options.publicPort ?? (schemeChanged ? (scheme === 'https' ? 443 : 80) : publicAddress.port),
    };
  } else if (interactive) {
    const answer = await prompts.input({
      message: 'Public URL browsers connect to (the site, through Caddy)',
      default: formatPublicUrl(publicAddress),
      validate: (value) => (typeof parsePublicUrl(value) === 'string' ? (parsePublicUrl(value) as string) : true),
    });
    const parsed = parsePublicUrl(answer);
    if (typeof parsed !== 'string') publicAddress = parsed;
  }

  // The sidecar's own address (the PHP side).
  const existingHost = env[SIDECAR_ENV.host];
  const existingPort = env[SIDECAR_ENV.port] ? parsePort(env[SIDECAR_ENV.port]!) : null;
  let sidecar: { host: string; port: number } = {
    host: existingHost && isValidHost(existingHost) ? bareHost(existingHost) : SIDECAR_DEFAULTS.host,
    port: existingPort ?? SIDECAR_DEFAULTS.port,
  };
  if (options.host !== undefined || options.port !== undefined) {
    sidecar = { host: options.host === undefined ? sidecar.host : bareHost(options.host), port: options.port ?? sidecar.port };
  } else if (interactive) {
    const answer = await prompts.input({
      message: 'Sidecar address (it listens here and Laravel publishes here)',
      default: `${urlHost(sidecar.host)}:${sidecar.port}`,
      validate: (value) => (typeof parseHostPort(value) === 'string' ? (parseHostPort(value) as string) : true),
    });
    const parsed = parseHostPort(answer);
    if (typeof parsed !== 'string') sidecar = parsed;
  }
  const phpHost = sidecar.host === '0.0.0.0' || sidecar.host === '::' ? '127.0.0.1' : urlHost(sidecar.host);

  const ask = async (flag: boolean | undefined, fallback: boolean, message: string) =>
    flag ?? (interactive ? prompts.confirm({ message, default: fallback }) : fallback);

  const clientEvents = await ask(
    options.clientEvents,
    truthy(env[SIDECAR_ENV.enableClientMessages]),
    'Allow client events (Echo whisper) on private and presence channels?',
  );
  const serverAuth = await ask(
    options.serverAuth,
    Boolean(env[SIDECAR_ENV.authUrl]),
    'Let the sidecar authorize private channels with Laravel (saves the browser a request per channel)?',
  );

  const service = options.service ?? (interactive
    ? await prompts.select<ServiceKind>({
      message: 'Write a service file to keep the sidecar running?',
      choices: [
        { name: 'No, I run it myself', value: 'none' },
        { name: 'systemd unit', value: 'systemd' },
        { name: 'Supervisor program', value: 'supervisor' },
      ],
      default: existingServiceKind(project),
    })
    : existingServiceKind(project));

  // BROADCAST_CONNECTION: log / null / empty are Laravel's placeholders and always replaced (Pogo's
  // installer keeps them, so broadcasting silently goes nowhere). A real other driver is only
  // replaced when the user says so.
  const current = env[project.broadcastKey];
  let switchConnection = true;
  if (current && current !== 'log' && current !== 'null' && current !== connection) {
    switchConnection = options.force || (interactive && await prompts.confirm({
      message: `${project.broadcastKey} is "${current}". Switch it to "${connection}"?`,
      default: true,
    }));
    if (!switchConnection) warnings.push(`${project.broadcastKey} stays "${current}"; set it to "${connection}" (or rerun with --force) to broadcast through the sidecar.`);
  }

  const existing: Partial<Credentials> = { id: env[`${prefix}_APP_ID`], key: env[`${prefix}_APP_KEY`], secret: env[`${prefix}_APP_SECRET`] };
  const credentials = resolveCredentials({ id: options.appId, key: options.appKey, secret: options.appSecret }, existing, ctx.generateCredentials);

  const appOrigin = appUrl ? appUrl.origin : formatPublicUrl(publicAddress);
  const authUrl = options.authUrl ?? (env[SIDECAR_ENV.authUrl] || `${appOrigin}/broadcasting/auth`);
  const userAuthUrl = env[SIDECAR_ENV.userAuthUrl] || authUrl.replace(/\/broadcasting\/auth$/, '/broadcasting/user-auth');

  let installDeps = options.deps && !options.dryRun;
  if (installDeps && interactive && !options.yes) {
    installDeps = await prompts.confirm({ message: 'Install the PHP and JavaScript packages now (composer, npm)?', default: true });
  }

  return {
    connection,
    envPrefix: prefix,
    switchConnection,
    credentials,
    sidecar,
    phpTarget: { host: phpHost, port: sidecar.port },
    publicAddress,
    appOrigin,
    allowedOrigins: appUrl && appUrl.hostname !== publicAddress.host ? appUrl.origin : null,
    clientEvents,
    serverAuth,
    authUrl,
    userAuthUrl,
    service,
    installDeps,
    force: options.force,
    dryRun: options.dryRun,
    interactive,
  };
}
