import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fail, pass, warn, type CheckResult } from './check-result.js';
import { prefixOf, type Driver } from './laravel-env.js';

export const SNIPPET_FILE = 'pusher-sidecar.caddy';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** config/broadcasting.php must read the connection and its host from .env, not hard-code them. */
export function checkBroadcastingConfig(dir: string, driver: Driver): CheckResult {
  const path = join(dir, 'config', 'broadcasting.php');
  const text = read(path);
  if (text === undefined) {
    return fail('config', 'missing (Laravel 11+ does not ship it until broadcasting is installed)', 'run php artisan install:broadcasting (or php artisan config:publish broadcasting)');
  }
  const p = prefixOf(driver);
  if (!/['"]default['"]\s*=>\s*env\(\s*['"]BROADCAST_(CONNECTION|DRIVER)['"]/.test(text)) {
    return fail('config', "'default' is not taken from BROADCAST_CONNECTION", "set 'default' => env('BROADCAST_CONNECTION', 'null') in config/broadcasting.php");
  }
  if (!new RegExp(`['"]${driver}['"]\\s*=>\\s*\\[`).test(text)) {
    const how = driver === 'reverb' ? 'php artisan reverb:install adds it' : 'php artisan config:publish broadcasting --force restores the stock file';
    return fail('config', `there is no '${driver}' connection`, `add the '${driver}' connection to 'connections' (${how})`);
  }
  if (!new RegExp(`env\\(\\s*['"]${p}HOST['"]`).test(text)) {
    return fail('config', `the '${driver}' connection does not read ${p}HOST`, `set its options 'host' => env('${p}HOST'), 'port' => env('${p}PORT', 443), 'scheme' => env('${p}SCHEME', 'https')`);
  }
  return pass('config', `uses the '${driver}' connection with ${p}HOST/${p}PORT/${p}SCHEME from .env`);
}

/** A config cache makes Laravel ignore .env: edits to it do nothing until the cache is rebuilt. */
export function checkConfigCache(dir: string): CheckResult {
  const cache = join(dir, 'bootstrap', 'cache', 'config.php');
  if (!existsSync(cache)) return pass('config-cache', 'no config cache: Laravel reads .env on every request');
  const envPath = join(dir, '.env');
  const fix = 'run php artisan config:clear (or php artisan config:cache again) after changing .env; restart queue workers and Octane too';
  if (existsSync(envPath) && statSync(envPath).mtimeMs > statSync(cache).mtimeMs) {
    return fail('config-cache', 'bootstrap/cache/config.php is older than .env: Laravel still uses the old broadcasting settings', fix);
  }
  return warn('config-cache', 'the config is cached (bootstrap/cache/config.php): Laravel ignores .env until the cache is rebuilt', fix);
}

/** Where Caddy's config usually is: the project (FrankenPHP, `caddy run` in the app), then the system package's. */
const CADDYFILE_CANDIDATES = (dir: string) => [join(dir, 'Caddyfile'), '/etc/caddy/Caddyfile'];

/** The Caddy snippet routes /app/* (WebSockets) to the sidecar; the app's Caddyfile must import it. */
export function checkCaddy(dir: string, caddyfile?: string, searched: string[] = CADDYFILE_CANDIDATES(dir)): CheckResult {
  const candidates = caddyfile ? [isAbsolute(caddyfile) ? caddyfile : join(dir, caddyfile)] : searched;
  const path = candidates.find((candidate) => existsSync(candidate));
  const text = path === undefined ? undefined : read(path);
  if (path === undefined || text === undefined) {
    const looked = candidates.map((c) => relative(dir, c).startsWith('..') ? c : relative(dir, c)).join(' or ');
    if (caddyfile) return fail('caddy', `cannot read ${looked}`, 'check the --caddyfile path');
    // Not fatal: the WebSocket check below proves whether /app/* reaches the sidecar anyway.
    return warn('caddy', `no Caddyfile at ${looked}`,
      'pass --caddyfile PATH to check that it imports pusher-sidecar.caddy; behind another proxy, route /app/* (WebSocket upgrades) to the sidecar and use --skip caddy');
  }
  const shown = relative(dir, path).startsWith('..') ? path : relative(dir, path);
  const imports = [...text.matchAll(/^\s*import\s+(\S+)/gm)].map((m) => m[1]!.replace(/^["']|["']$/g, ''));
  const snippet = imports.find((target) => target.endsWith(SNIPPET_FILE));
  if (!snippet) {
    // Caddy resolves imports from the Caddyfile's directory.
    const target = dirname(path) === dir ? SNIPPET_FILE : join(dir, SNIPPET_FILE);
    return fail('caddy', `${shown} does not import ${SNIPPET_FILE}`,
      `add the line "import ${target}" inside the site block of ${shown} (between the braces after your domain), then reload Caddy (caddy reload, or restart FrankenPHP / Octane)`);
  }
  const snippetPath = isAbsolute(snippet) ? snippet : join(dirname(path), snippet);
  if (!existsSync(snippetPath)) {
    return fail('caddy', `${shown} imports ${snippet}, but that file does not exist`, 'run pusher-sidecar install to write it, then reload Caddy');
  }
  return pass('caddy', `${shown} imports ${snippet}`);
}

/** Where the broadcasting routes get registered, for the fix of a 404 on /broadcasting/auth. */
export function authRouteFix(dir: string): string {
  const bootstrap = read(join(dir, 'bootstrap', 'app.php'));
  if (bootstrap !== undefined && bootstrap.includes('withRouting(')) {
    const where = /^\s*\/\/\s*channels:/m.test(bootstrap) ? 'uncomment the channels: line in' : 'add channels: __DIR__.\'/../routes/channels.php\', to ->withRouting(...) in';
    return `${where} bootstrap/app.php${existsSync(join(dir, 'routes', 'channels.php')) ? '' : ' and create routes/channels.php'} (php artisan install:broadcasting does both)`;
  }
  const appConfig = read(join(dir, 'config', 'app.php'));
  if (appConfig !== undefined && /\/\/\s*App\\Providers\\BroadcastServiceProvider::class/.test(appConfig)) {
    return 'uncomment App\\Providers\\BroadcastServiceProvider::class in config/app.php (it calls Broadcast::routes())';
  }
  return 'register the route with Broadcast::routes() (Laravel 11+: channels: in ->withRouting() in bootstrap/app.php; php artisan install:broadcasting does it)';
}
