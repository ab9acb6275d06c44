import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createOriginPolicy } from '../guards/origin-guard.js';

const KEY = 'PUSHER_SIDECAR_ALLOWED_ORIGINS';

export interface OriginSetting {
  /** The entries doctor could see, if it found where they are set. */
  entries: string[] | undefined;
  /** Where they come from, in words a fix can name. */
  source: string;
  /** How to change them there. */
  change: (entry: string) => string;
}

/**
 * Where the running sidecar most likely got its allowed origins, with serve's precedence: a
 * flag (invisible to doctor) over the process environment over the project's .env over the
 * config file (PUSHER_SIDECAR_CONFIG).
 */
export function findOriginSetting(dir: string, dotenv: Record<string, string>, processEnv: Record<string, string | undefined>): OriginSetting {
  const list = (raw: string) => raw.split(',').map((e) => e.trim()).filter(Boolean);
  const restart = 'then restart the sidecar (unless its command line sets --allowed-origins, which wins)';
  const fromProcess = processEnv[KEY];
  if (fromProcess !== undefined) {
    return { entries: list(fromProcess), source: `the environment variable ${KEY}`, change: (e) => `add ${e} to the environment variable ${KEY} where the sidecar runs (service file, shell), ${restart}` };
  }
  const fromDotenv = dotenv[KEY];
  if (fromDotenv !== undefined) {
    return { entries: list(fromDotenv), source: `${KEY} in .env`, change: (e) => `add ${e} to ${KEY} in .env (comma-separated), ${restart}` };
  }
  const configFile = processEnv.PUSHER_SIDECAR_CONFIG ?? dotenv.PUSHER_SIDECAR_CONFIG;
  if (configFile) {
    const path = resolve(dir, configFile);
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { allowedOrigins?: unknown };
      if (Array.isArray(parsed.allowedOrigins)) {
        return { entries: parsed.allowedOrigins.filter((e): e is string => typeof e === 'string'), source: `"allowedOrigins" in ${configFile}`, change: (e) => `add "${e}" to "allowedOrigins" in ${configFile}, ${restart}` };
      }
    } catch {
      // Unreadable: serve reports it; doctor falls back to what it cannot see.
    }
  }
  return {
    entries: undefined,
    source: 'the sidecar\'s --allowed-origins flag, if its command line has one (no .env key, environment variable or config file sets it)',
    change: (e) => `add ${e} to --allowed-origins in the sidecar's command line (service file), or set ${KEY}=${e} in .env, then restart the sidecar`,
  };
}

export interface OriginRefusal {
  detail: string;
  fix: string;
}

/**
 * Why a page from `origin` was refused (4009) on a socket sent to `socketUrl`, following the
 * sidecar's rule (README "Origins"): same host and port always pass, entries add, `!` excludes.
 */
export function explainOriginRefusal(origin: string, socketUrl: string, setting: OriginSetting, viteKeys: { host: string; port: string }): OriginRefusal {
  const socket = new URL(socketUrl);
  const page = new URL(origin);
  const requestHost = socket.host;
  const rule = 'the sidecar allows pages on the host and port the socket was sent to, plus its allowed origins';
  const verdict = setting.entries ? createOriginPolicy(setting.entries)(origin, requestHost) : undefined;
  if (verdict === 'excluded') {
    return { detail: `a ! entry of ${setting.source} excludes ${origin}`, fix: `remove the ! entry matching ${origin} from ${setting.source}, then restart the sidecar` };
  }
  const pagePort = page.port || (page.protocol === 'https:' ? '443' : '80');
  const socketPort = socket.port || (socket.protocol === 'wss:' ? '443' : '80');
  if (page.hostname === socket.hostname && pagePort !== socketPort) {
    // Usually VITE_REVERB_PORT=6001: the browser goes straight to the sidecar instead of through Caddy.
    return {
      detail: `the browser connects to port ${socketPort} (${viteKeys.port}) but the pages come from port ${pagePort} (APP_URL): ${rule}`,
      fix: `point the browser at the public port, through Caddy: ${viteKeys.port}=${pagePort}${page.protocol === 'https:' ? ` and ${viteKeys.port.replace(/PORT$/, 'SCHEME')}=https` : ''} in .env, then npm run build (the sidecar's own port is for Laravel and Caddy, not for browsers)`,
    };
  }
  if (setting.entries?.includes('!same-host')) {
    return { detail: `${setting.source} has !same-host and does not list ${origin}`, fix: setting.change(origin) };
  }
  return {
    detail: `${origin} is not on the socket's host ${socket.host} (${viteKeys.host}) and not in the allowed origins (${setting.source}${setting.entries ? `: ${setting.entries.join(',') || 'empty'}` : ''}): ${rule}`,
    fix: `serve the socket from the app's own host (${viteKeys.host}=${page.hostname}, then npm run build), or ${setting.change(origin)}`,
  };
}
