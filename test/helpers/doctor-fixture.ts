// The small project the doctor tests check: only the files doctor reads (the installer's fuller
// Laravel skeletons live in laravel-fixture.ts).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stock config/broadcasting.php of Laravel 11–13: the same file the installer tests start from. */
const BROADCASTING_PHP = readFileSync(fileURLToPath(new URL('../fixtures/laravel/l11/config-broadcasting.php', import.meta.url)), 'utf8');

/** A Laravel app PHP can boot here: Debian's Illuminate 8.83 + a stand-in Pusher SDK (see its README). */
const BOOTABLE = fileURLToPath(new URL('../fixtures/laravel-php/', import.meta.url));

const BOOTSTRAP_APP = (channels: boolean) => `<?php

use Illuminate\\Foundation\\Application;
use Illuminate\\Foundation\\Configuration\\Exceptions;
use Illuminate\\Foundation\\Configuration\\Middleware;

return Application::configure(basePath: dirname(__DIR__))
    ->withRouting(
        web: __DIR__.'/../routes/web.php',
        commands: __DIR__.'/../routes/console.php',
${channels ? "        channels: __DIR__.'/../routes/channels.php',\n" : ''}        health: '/up',
    )
    ->withMiddleware(function (Middleware $middleware): void {
        //
    })
    ->withExceptions(function (Exceptions $exceptions): void {
        //
    })->create();
`;

export interface BroadcastEnv {
  driver: 'reverb' | 'pusher';
  appId: string;
  key: string;
  secret: string;
  /** Where PHP publishes (the sidecar's internal port). */
  serverPort: number;
  /** The public site (Caddy's stand-in) browsers open. */
  publicPort: number;
}

/** The .env the installer writes, as ordered lines; VITE_ twins reference the server-side values. */
export function broadcastEnvLines(b: BroadcastEnv): string[] {
  const p = b.driver === 'reverb' ? 'REVERB_' : 'PUSHER_';
  const lines = [
    'APP_NAME=Laravel',
    'APP_ENV=local',
    `APP_URL=http://127.0.0.1:${b.publicPort}`,
    '',
    `BROADCAST_CONNECTION=${b.driver}`,
    `${p}APP_ID=${b.appId}`,
    `${p}APP_KEY=${b.key}`,
    `${p}APP_SECRET=${b.secret}`,
    `${p}HOST=127.0.0.1`,
    `${p}PORT=${b.serverPort}`,
    `${p}SCHEME=http`,
  ];
  if (b.driver === 'pusher') lines.push('PUSHER_APP_CLUSTER=mt1');
  lines.push(
    '',
    `VITE_${p}APP_KEY="\${${p}APP_KEY}"`,
    `VITE_${p}HOST=127.0.0.1`,
    `VITE_${p}PORT=${b.publicPort}`,
    `VITE_${p}SCHEME=http`,
  );
  if (b.driver === 'pusher') lines.push('VITE_PUSHER_APP_CLUSTER="${PUSHER_APP_CLUSTER}"');
  return lines;
}

export interface FixtureOptions {
  envLines: string[];
  /** false: no config/broadcasting.php. */
  broadcastingPhp?: string | false;
  /** Register routes/channels.php in bootstrap/app.php. */
  channelsRoute?: boolean;
  /** false: the Caddyfile does not import the snippet. */
  caddyImport?: boolean;
  /**
   * What `php` finds (default `bootable`): a vendor/ with the stand-in SDK and a Laravel 8-shaped
   * bootstrap/app.php that Debian's Illuminate boots; `no-sdk`: vendor/ without pusher/pusher-php-server;
   * `no-vendor`: composer install never ran (the Laravel 11 bootstrap/app.php stays).
   */
  php?: 'bootable' | 'no-sdk' | 'no-vendor';
}

/** A minimal Laravel project in a temp dir: .env, config, routes, bootstrap/app.php, Caddyfile + snippet. */
export function createLaravelFixture(options: FixtureOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-laravel-'));
  for (const sub of ['config', 'routes', 'bootstrap/cache', 'public']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, '.env'), options.envLines.join('\n') + '\n');
  if (options.broadcastingPhp !== false) writeFileSync(join(dir, 'config', 'broadcasting.php'), options.broadcastingPhp ?? BROADCASTING_PHP);
  writeFileSync(join(dir, 'routes', 'channels.php'), "<?php\n\nuse Illuminate\\Support\\Facades\\Broadcast;\n\nBroadcast::channel('App.Models.User.{id}', function ($user, $id) {\n    return (int) $user->id === (int) $id;\n});\n");
  writeFileSync(join(dir, 'bootstrap', 'app.php'), BOOTSTRAP_APP(options.channelsRoute ?? true));
  writeFileSync(join(dir, 'Caddyfile'), `app.example.com {\n${options.caddyImport === false ? '' : '\timport pusher-sidecar.caddy\n'}\troot * public/\n\tphp_server\n}\n`);
  writeFileSync(join(dir, 'pusher-sidecar.caddy'), '@pusher_sidecar path /app/*\nreverse_proxy @pusher_sidecar 127.0.0.1:6001\n');
  const php = options.php ?? 'bootable';
  if (php !== 'no-vendor') {
    cpSync(join(BOOTABLE, 'vendor'), join(dir, 'vendor'), { recursive: true });
    cpSync(join(BOOTABLE, 'bootstrap-app.php'), join(dir, 'bootstrap', 'app.php'));
    cpSync(join(BOOTABLE, 'config-app.php'), join(dir, 'config', 'app.php'));
    if (php === 'no-sdk') rmSync(join(dir, 'vendor', 'pusher'), { recursive: true });
  }
  return dir;
}
