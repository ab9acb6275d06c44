import { checkBuiltBundle } from './bundle-check.js';
import { fail, skip, type CheckId, type CheckResult } from './check-result.js';
import { checkAppUrl, checkCredentials, checkDriver, checkServer, checkVite } from './env-checks.js';
import { readLaravelEnv, type Driver } from './laravel-env.js';
import { checkLaravelPublish } from './laravel-publish-check.js';
import { explainOriginRefusal, findOriginSetting } from './origin-explain.js';
import { checkApi, checkAuthRoute, checkReady, checkUp, type LiveContext } from './live-checks.js';
import { authRouteFix, checkBroadcastingConfig, checkCaddy, checkConfigCache } from './project-checks.js';
import { checkRoundTrip, checkWebSocket } from './websocket-check.js';

export interface DoctorOptions {
  /** The Laravel project. */
  dir: string;
  /** The process environment, for ${VAR} references .env does not define. */
  env: Record<string, string | undefined>;
  timeoutMs: number;
  caddyfile?: string;
  skip?: ReadonlySet<string>;
  now?: () => number;
}

export interface DoctorReport {
  driver: Driver | undefined;
  results: CheckResult[];
}

/**
 * Every check of `pusher-sidecar doctor`, in order: the project's files first, then the running
 * pieces end to end. A check whose inputs failed is skipped (it would only repeat the failure).
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const results: CheckResult[] = [];
  const passed = new Set<CheckId>();
  const skipped = options.skip ?? new Set<string>();
  const now = options.now ?? Date.now;

  const record = (result: CheckResult) => {
    results.push(result);
    if (result.status === 'pass' || result.status === 'warn') passed.add(result.id);
  };
  /** Runs `check` unless the user skipped it or one of `needs` did not pass. */
  const run = async <T extends { result: CheckResult }>(id: CheckId, needs: CheckId[], check: () => T | Promise<T>): Promise<Partial<T>> => {
    if (skipped.has(id)) {
      record(skip(id, 'skipped (--skip)'));
      return {};
    }
    const missing = needs.filter((need) => !passed.has(need));
    if (missing.length > 0) {
      record(skip(id, `skipped: needs ${missing.join(', ')}`));
      return {};
    }
    const outcome = await check();
    record(outcome.result);
    return outcome;
  };
  const wrap = (result: CheckResult) => ({ result });

  // The project as written: a variable set in this shell is not folded in, so the publish-through-
  // Laravel check can name it when it overrides .env in the environment PHP runs in.
  const envFile = readLaravelEnv(options.dir);
  const env = envFile.ok ? envFile.values : {};
  await run('env', [], () => wrap(envFile.ok
    ? { id: 'env', status: 'pass', detail: `read ${envFile.path}` }
    : fail('env', `${envFile.path}: ${envFile.reason === 'missing' ? 'not found' : `cannot be read (${envFile.reason})`}`,
      'run pusher-sidecar doctor in the Laravel project root (or pass its path), or create .env from .env.example')));

  const { driver } = await run('driver', ['env'], () => checkDriver(env));
  // Closures only run when every check in `needs` passed, so `driver!` and friends are set there.
  const { app } = await run('credentials', ['driver'], () => checkCredentials(env, driver!));
  const { serverUrl } = await run('server', ['driver'], () => checkServer(env, driver!));
  const { socketUrl } = await run('vite', ['driver'], () => checkVite(env, driver!));
  // Only when there is something to say: nothing for the dev server (public/hot) or an app without a front end.
  if (skipped.has('bundle')) record(skip('bundle', 'skipped (--skip)'));
  else if (passed.has('vite')) {
    const bundle = checkBuiltBundle(options.dir, env, driver!);
    if (bundle) record(bundle);
  }
  const { appUrl } = await run('app-url', ['env'], () => checkAppUrl(env, socketUrl));
  await run('config', ['driver'], () => wrap(checkBroadcastingConfig(options.dir, driver!)));
  await run('config-cache', [], () => wrap(checkConfigCache(options.dir)));
  await run('caddy', [], () => wrap(checkCaddy(options.dir, options.caddyfile)));

  const live: LiveContext = { driver: driver ?? 'reverb', timeoutMs: options.timeoutMs, now };
  await run('up', ['server'], () => checkUp(serverUrl!, live).then(wrap));
  await run('ready', ['up'], () => checkReady(serverUrl!, live).then(wrap));
  await run('api', ['up', 'credentials'], () => checkApi(serverUrl!, app!, live).then(wrap));
  const vite = driver === 'pusher' ? 'VITE_PUSHER_' : 'VITE_REVERB_';
  const { socket } = await run('websocket', ['vite', 'app-url'], () => checkWebSocket(socketUrl!, new URL(appUrl!).origin, options.timeoutMs, {
    viteHostKey: `${vite}HOST`,
    explainOrigin: () => explainOriginRefusal(new URL(appUrl!).origin, socketUrl!, findOriginSetting(options.dir, env, options.env), { host: `${vite}HOST`, port: `${vite}PORT` }),
  }));
  try {
    await run('round-trip', ['websocket', 'api'], () => checkRoundTrip(socket!, serverUrl!, app!, live.driver, options.timeoutMs, now).then(wrap));
  } finally {
    socket?.close();
  }
  await run('laravel-publish', ['credentials', 'up'], () => checkLaravelPublish({
    dir: options.dir, driver: driver!, app: app!, serverUrl: serverUrl!, timeoutMs: options.timeoutMs, env: options.env,
  }).then(wrap));
  await run('auth-route', ['app-url'], () => checkAuthRoute(appUrl!, live, () => authRouteFix(options.dir)).then(wrap));
  return { driver, results };
}
