import { fail, pass, warn, type CheckResult } from './check-result.js';
import { broadcastDriver, prefixOf, type Driver } from './laravel-env.js';

type Env = Record<string, string>;

export interface AppCredentials {
  id: string;
  key: string;
  secret: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

function isSet(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

function missing(env: Env, names: string[]): string[] {
  return names.filter((name) => !isSet(env, name));
}

export function checkDriver(env: Env): { result: CheckResult; driver?: Driver } {
  const { name, value } = broadcastDriver(env);
  if (value === 'reverb' || value === 'pusher') return { result: pass('driver', `${name}=${value}`), driver: value };
  const shown = value === undefined ? `${name} is not set` : `${name}=${value}`;
  return {
    result: fail('driver', `${shown}: Laravel does not broadcast to a Pusher-protocol server`,
      `set ${name}=reverb in .env (or pusher if the app already uses the PUSHER_ variables), then php artisan config:clear`),
  };
}

export function checkCredentials(env: Env, driver: Driver): { result: CheckResult; app?: AppCredentials } {
  const p = prefixOf(driver);
  const names = [`${p}APP_ID`, `${p}APP_KEY`, `${p}APP_SECRET`];
  if (driver === 'pusher') names.push('PUSHER_APP_CLUSTER');
  const absent = missing(env, names);
  if (absent.length > 0) {
    return {
      result: fail('credentials', `${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} empty or missing`,
        `set ${absent.join(', ')} in .env (pusher-sidecar install writes them)${driver === 'pusher' ? '; PUSHER_APP_CLUSTER only needs to be non-empty (e.g. mt1): pusher-js refuses to start without one' : ''}`),
    };
  }
  const app = { id: env[`${p}APP_ID`]!, key: env[`${p}APP_KEY`]!, secret: env[`${p}APP_SECRET`]! };
  return { result: pass('credentials', `${names.slice(0, 3).join(', ')} are set (app id ${app.id}, key ${app.key})`), app };
}

/** Where PHP publishes: config/broadcasting.php builds this from HOST/PORT/SCHEME (defaults 443, https). */
export function checkServer(env: Env, driver: Driver): { result: CheckResult; serverUrl?: string } {
  const p = prefixOf(driver);
  if (!isSet(env, `${p}HOST`)) {
    const consequence = driver === 'pusher'
      ? "Laravel publishes to Pusher's cloud (api-<cluster>.pusher.com) instead of the sidecar"
      : 'Laravel has no address to publish to';
    return { result: fail('server', `${p}HOST is empty: ${consequence}`, `set ${p}HOST, ${p}PORT and ${p}SCHEME in .env to the sidecar's internal address, e.g. ${p}HOST=127.0.0.1 ${p}PORT=6001 ${p}SCHEME=http`) };
  }
  const scheme = env[`${p}SCHEME`] || 'https';
  const port = env[`${p}PORT`] || '443';
  let url: URL;
  try {
    url = new URL(`${scheme}://${env[`${p}HOST`]}:${port}`);
  } catch {
    return { result: fail('server', `${p}SCHEME/${p}HOST/${p}PORT do not form a URL (${scheme}://${env[`${p}HOST`]}:${port})`, `use ${p}SCHEME=http or https, a bare host name and a port number`) };
  }
  const serverUrl = url.origin;
  const defaults = [`${p}PORT`, `${p}SCHEME`].filter((name) => !isSet(env, name));
  const note = defaults.length > 0 ? ` (${defaults.join(' and ')} unset: Laravel's defaults 443/https apply)` : '';
  return { result: pass('server', `Laravel publishes to ${serverUrl}${note}`), serverUrl };
}

/** What the browser bundle gets: Vite inlines VITE_* at build time. */
export function checkVite(env: Env, driver: Driver): { result: CheckResult; socketUrl?: string } {
  const p = prefixOf(driver);
  const twin = (name: string) => `VITE_${p}${name}`;
  const rebuild = 'then rebuild the front end (npm run build) so the bundle picks it up';
  if (!isSet(env, twin('APP_KEY'))) {
    return { result: fail('vite', `${twin('APP_KEY')} is missing: Echo in the browser has no app key`, `add ${twin('APP_KEY')}="\${${p}APP_KEY}" to .env, ${rebuild}`) };
  }
  if (isSet(env, `${p}APP_KEY`) && env[twin('APP_KEY')] !== env[`${p}APP_KEY`]) {
    return {
      result: fail('vite', `${twin('APP_KEY')} (${env[twin('APP_KEY')]}) differs from ${p}APP_KEY (${env[`${p}APP_KEY`]}): browsers would be refused with 4001`,
        `set ${twin('APP_KEY')}="\${${p}APP_KEY}" in .env, ${rebuild}`),
    };
  }
  if (driver === 'pusher' && !isSet(env, 'VITE_PUSHER_APP_CLUSTER')) {
    return { result: fail('vite', 'VITE_PUSHER_APP_CLUSTER is empty: pusher-js throws "Options object must provide a cluster"', `add VITE_PUSHER_APP_CLUSTER="\${PUSHER_APP_CLUSTER}" to .env, ${rebuild}`) };
  }
  const host = env[twin('HOST')] ?? '';
  if (host === '') {
    return { result: fail('vite', `${twin('HOST')} is empty: pusher-js would connect to Pusher's cloud`, `set ${twin('HOST')} to the public host name of the app (the host of APP_URL), ${rebuild}`) };
  }
  const scheme = env[twin('SCHEME')] || 'https';
  const secure = scheme === 'https';
  const port = env[twin('PORT')] || (secure ? '443' : '80');
  let socketUrl: string;
  try {
    socketUrl = new URL(`${secure ? 'wss' : 'ws'}://${host}:${port}/app/${encodeURIComponent(env[twin('APP_KEY')]!)}?protocol=7&client=js&version=8.4.0&flash=false`).toString();
  } catch {
    return { result: fail('vite', `${twin('HOST')}/${twin('PORT')}/${twin('SCHEME')} do not form a URL`, `use a bare host name, a port number and http or https, ${rebuild}`) };
  }
  return { result: pass('vite', `the browser connects to ${socketUrl.replace(/\?.*$/, '')}`), socketUrl };
}

/** APP_URL is the page origin browsers send and where Laravel's routes live. */
export function checkAppUrl(env: Env, socketUrl: string | undefined): { result: CheckResult; appUrl?: string } {
  let url: URL;
  try {
    url = new URL(env.APP_URL ?? '');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    return { result: fail('app-url', `APP_URL (${env.APP_URL ?? 'not set'}) is not an http(s) URL`, 'set APP_URL to the address users open, e.g. APP_URL=https://app.example.com') };
  }
  const appUrl = url.toString().replace(/\/$/, '');
  if (socketUrl) {
    const socketHost = new URL(socketUrl).hostname;
    if (LOCAL_HOSTS.has(socketHost) && !LOCAL_HOSTS.has(url.hostname)) {
      return {
        result: warn('app-url', `APP_URL is ${appUrl} but the browser is told to connect to ${socketHost}, which only works on this machine`, 'set the VITE_ host to the public host name of APP_URL, then npm run build'),
        appUrl,
      };
    }
  }
  return { result: pass('app-url', `APP_URL=${appUrl}`), appUrl };
}
