import { signApiRequest } from '../auth/api-signature.js';
import { fail, pass, type CheckResult } from './check-result.js';
import type { AppCredentials } from './env-checks.js';
import { errorMessage, probe } from './http-probe.js';
import { prefixOf, type Driver } from './laravel-env.js';

export interface LiveContext {
  driver: Driver;
  timeoutMs: number;
  now: () => number;
}

/** The sidecar's liveness route at the address PHP publishes to. */
export async function checkUp(serverUrl: string, context: LiveContext): Promise<CheckResult> {
  const p = prefixOf(context.driver);
  const url = `${serverUrl}/up`;
  const reply = await probe(url, { timeoutMs: context.timeoutMs });
  if (!reply.ok) {
    const fix = reply.code === 'ECONNREFUSED'
      ? `start the sidecar (pusher-sidecar serve, or its service: systemctl status pusher-sidecar), or point ${p}HOST/${p}PORT at the address it listens on`
      : `check ${p}HOST/${p}PORT/${p}SCHEME in .env; the sidecar normally listens on plain http (${p}SCHEME=http)`;
    return fail('up', `GET ${url}: ${reply.reason}`, fix);
  }
  let status: unknown;
  try {
    status = (JSON.parse(reply.body) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (reply.status !== 200 || status !== 'ok') {
    return fail('up', `GET ${url} answered HTTP ${reply.status}, not the sidecar's {"status":"ok"}: something else listens there`, `point ${p}PORT at the sidecar's --port (default 6001)`);
  }
  return pass('up', `the sidecar answers ${url}`);
}

/**
 * /ready: 503 while the sidecar cannot do its whole job, e.g. in cluster mode with Redis down (it
 * still serves its own sockets then, but other nodes' broadcasts and the shared state are missing).
 */
export async function checkReady(serverUrl: string, context: LiveContext): Promise<CheckResult> {
  const url = `${serverUrl}/ready`;
  const reply = await probe(url, { timeoutMs: context.timeoutMs });
  if (!reply.ok) return fail('ready', `GET ${url}: ${reply.reason}`, 'see the check above: the sidecar must be reachable first');
  if (reply.status === 200) return pass('ready', `the sidecar is ready (${url})`);
  const why = errorMessage(reply.body) ?? `HTTP ${reply.status}`;
  const fix = why.includes('redis')
    ? 'the sidecar cannot reach Redis: check --redis-url (or REDIS_HOST/REDIS_PORT in .env with --adapter redis) and that Redis answers (redis-cli ping); it reconnects by itself'
    : 'the sidecar is shutting down or a backend it needs is down: check its logs';
  return fail('ready', `GET ${url}: ${why}`, fix);
}

/** A signed call, as Laravel's pusher-php makes them: proves id, key and secret match the sidecar's. */
export async function checkApi(serverUrl: string, app: AppCredentials, context: LiveContext): Promise<CheckResult> {
  const p = prefixOf(context.driver);
  const path = `/apps/${encodeURIComponent(app.id)}/channels`;
  const query = signApiRequest({ method: 'GET', path, key: app.key, secret: app.secret, nowSeconds: Math.floor(context.now() / 1000) });
  const reply = await probe(`${serverUrl}${path}?${query}`, { timeoutMs: context.timeoutMs });
  if (!reply.ok) return fail('api', `GET ${serverUrl}${path}: ${reply.reason}`, 'see the check above: the sidecar must be reachable first');
  const why = errorMessage(reply.body) ?? `HTTP ${reply.status}`;
  const restart = 'the sidecar reads .env when it starts: restart it after changing credentials';
  switch (reply.status) {
    case 200:
      return pass('api', `a signed API call for app ${app.id} succeeded: ${p}APP_KEY and ${p}APP_SECRET match the sidecar's`);
    case 401:
      return fail('api', `the sidecar refused the signature (${why})`,
        `${p}APP_KEY/${p}APP_SECRET in .env must equal the sidecar's --app-key/--app-secret (or its apps file); ${restart}. A clock more than 600 s off also fails here.`);
    case 404:
      return fail('api', `the sidecar has no app with id ${app.id} (${why})`, `${p}APP_ID must equal the sidecar's --app-id (or an id in its apps file); ${restart}`);
    case 403:
      return fail('api', `app ${app.id} is disabled (${why})`, 'set "enabled": true for it in the apps file');
    default:
      return fail('api', `the signed API call answered HTTP ${reply.status} (${why})`, 'check the sidecar logs');
  }
}

/**
 * Laravel's /broadcasting/auth at APP_URL: asked without a session it must refuse (401/403);
 * 404 means the broadcasting routes are not registered at all.
 */
export async function checkAuthRoute(appUrl: string, context: LiveContext, routeFix: () => string): Promise<CheckResult> {
  const url = `${appUrl}/broadcasting/auth`;
  const reply = await probe(url, {
    method: 'POST',
    timeoutMs: context.timeoutMs,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: 'socket_id=1234.5678&channel_name=private-pusher-sidecar-doctor',
  });
  if (!reply.ok) return fail('auth-route', `POST ${url}: ${reply.reason}`, 'serve the Laravel app at APP_URL (is the web server running? is APP_URL right?)');
  const { status } = reply;
  if (status === 401 || status === 403) return pass('auth-route', `POST ${url} is routed (HTTP ${status} for a guest, as expected)`);
  if (status >= 300 && status < 400) return pass('auth-route', `POST ${url} is routed (HTTP ${status}: guests are redirected to log in)`);
  if (status === 200) return pass('auth-route', `POST ${url} is routed (it even authorized a guest: check routes/channels.php guards private channels)`);
  if (status === 404) return fail('auth-route', `POST ${url} answered 404: the broadcasting auth route is not registered`, routeFix());
  if (status === 419) {
    return fail('auth-route', `POST ${url} answered 419 (CSRF token mismatch): the route runs with CSRF checks`, 'register it with Broadcast::routes() (which skips CSRF) rather than a route of your own');
  }
  if (status === 405) return fail('auth-route', `POST ${url} answered 405: something else owns this path`, 'make /broadcasting/auth accept POST (Broadcast::routes() registers GET and POST)');
  return fail('auth-route', `POST ${url} answered HTTP ${status}`, 'Laravel failed: see storage/logs/laravel.log');
}
