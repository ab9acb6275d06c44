import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_AUTH_EDITIONS, renderEcho } from '../../src/installer/plan-echo.js';
import { install, SIDECAR_SPEC } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';

/** Apps that already broadcast (Reverb, Pusher Channels) or were changed by hand. */

let fixture: LaravelFixture;
afterEach(() => fixture?.cleanup());

describe('an app that already ran install:broadcasting', () => {
  it('Reverb: keeps its credentials, moves PHP to the sidecar and the browser to the public address', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'plain', priorSetup: 'reverb' });
    const before = fixture.snapshot();
    const result = await install(fixture.root, { yes: true, publicHost: 'app.example.com', scheme: 'https' });
    expect(result.code).toBe(0);
    const env = parseDotenv(fixture.read('.env'));
    expect(env).toMatchObject({
      BROADCAST_CONNECTION: 'reverb',
      REVERB_APP_ID: '618223',
      REVERB_APP_KEY: 'vxk2tm0wqf6eg0f6jzmw',
      REVERB_APP_SECRET: 'zioq3to9xrytlnlg7sj6',
      REVERB_HOST: '127.0.0.1',
      REVERB_PORT: '6001',
      VITE_REVERB_APP_KEY: '${REVERB_APP_KEY}',
      VITE_REVERB_HOST: 'app.example.com',
      VITE_REVERB_PORT: '443',
      VITE_REVERB_SCHEME: 'https',
    });
    // reverb:install's block is edited in place, not duplicated.
    expect(fixture.read('.env').match(/^REVERB_HOST=/gm)).toHaveLength(1);
    expect(fixture.read('.env')).toContain('REVERB_HOST="127.0.0.1"\nREVERB_PORT=6001\nREVERB_SCHEME=http\n');
    // Laravel's stock echo.js is replaced; bootstrap.js already imports it; the config already reads REVERB_*.
    expect(fixture.read('resources/js/echo.js')).toContain("config.headers.set('X-Socket-ID', socketId)");
    for (const path of ['resources/js/bootstrap.js', 'config/broadcasting.php', 'routes/channels.php', 'bootstrap/app.php']) {
      expect(fixture.read(path), path).toBe(before.get(path));
    }
    // laravel/reverb brings pusher/pusher-php-server; laravel-echo and pusher-js are there: only the
    // sidecar itself joins devDependencies.
    expect(result.commands).toEqual([`npm install --save-dev ${SIDECAR_SPEC}`]);
    expect(result.stdout).toContain('reused from .env');
  });

  it('Pusher Channels: keeps the pusher connection, its keys and cluster, and points PUSHER_HOST at the sidecar', async () => {
    fixture = createLaravelFixture({ version: 11, frontEnd: 'plain', priorSetup: 'pusher' });
    const result = await install(fixture.root, { yes: true });
    expect(result.code).toBe(0);
    const env = parseDotenv(fixture.read('.env'));
    expect(env).toMatchObject({
      BROADCAST_CONNECTION: 'pusher',
      PUSHER_APP_ID: '1789012',
      PUSHER_APP_KEY: 'a1b2c3d4e5f6a7b8c9d0',
      PUSHER_APP_CLUSTER: 'eu',
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: '6001',
      PUSHER_SCHEME: 'http',
      VITE_PUSHER_HOST: 'localhost',
    });
    expect(fixture.read('resources/js/echo.js')).toContain("broadcaster: 'pusher',");
    expect(fixture.read('resources/js/echo.js')).toContain('cluster: import.meta.env.VITE_PUSHER_APP_CLUSTER,');
  });

  it('Laravel 12 React: replaces the stock configureEcho call in app.tsx with ./echo', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'react', priorSetup: 'reverb' });
    const before = fixture.read('resources/js/app.tsx');
    expect(before).toContain("configureEcho({\n    broadcaster: 'reverb',\n});");
    const result = await install(fixture.root, { yes: true });
    expect(result.code).toBe(0);
    const after = fixture.read('resources/js/app.tsx');
    expect(after).not.toContain('configureEcho');
    expect(after).toContain("import { initializeTheme } from './hooks/use-appearance';\nimport './echo';\n\nconst appName");
    expect(fixture.read('resources/js/echo.ts')).toContain("import { configureEcho } from '@laravel/echo-react';");
  });

  it('a configureEcho call with its own options is left alone, with the options printed', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'vue', priorSetup: 'reverb' });
    fixture.write('resources/js/app.ts', fixture.read('resources/js/app.ts').replace("    broadcaster: 'reverb',\n", "    broadcaster: 'reverb',\n    authEndpoint: '/api/broadcasting/auth',\n"));
    const before = fixture.snapshot();
    const result = await install(fixture.root, { yes: true });
    expect(result.code).toBe(0);
    expect(fixture.read('resources/js/app.ts')).toBe(before.get('resources/js/app.ts'));
    expect(fixture.exists('resources/js/echo.ts')).toBe(false);
    expect(result.stdout).toContain('! resources/js/app.ts already calls configureEcho with its own options');
  });
});

describe('hand-made changes and other drivers', () => {
  it('a hand-edited echo.js is kept (the full file is printed) unless --force', async () => {
    fixture = createLaravelFixture({ version: 11 });
    await install(fixture.root, { yes: true, deps: false });
    const edited = fixture.read('resources/js/echo.js') + "\nwindow.Echo.channel('orders').listen('OrderShipped', console.log);\n";
    fixture.write('resources/js/echo.js', edited);
    const kept = await install(fixture.root, { yes: true, deps: false, serverAuth: true });
    expect(kept.code).toBe(0);
    expect(fixture.read('resources/js/echo.js')).toBe(edited);
    expect(kept.stdout).toContain('! resources/js/echo.js was changed by hand, so it was left alone. The installer would write:');
    expect(kept.stdout).toContain('channelAuthorization: { customHandler: authorizeChannel },');

    const forced = await install(fixture.root, { yes: true, deps: false, serverAuth: true, force: true });
    expect(forced.code).toBe(0);
    expect(fixture.read('resources/js/echo.js')).toContain('channelAuthorization: { customHandler: authorizeChannel },');
  });

  it.each([
    { frontEnd: 'plain' as const, file: 'resources/js/echo.js', flavour: { kind: 'global' as const, ts: false }, axios: true },
    { frontEnd: 'react' as const, file: 'resources/js/echo.ts', flavour: { kind: 'react' as const, ts: true }, axios: false },
  ])('a $frontEnd --server-auth echo file from an earlier installer is upgraded by a rerun, not kept as hand-edited', async ({ frontEnd, file, flavour, axios }) => {
    fixture = createLaravelFixture({ version: 12, frontEnd });
    await install(fixture.root, { yes: true, deps: false, serverAuth: true });
    const current = fixture.read(file);
    expect(current).toBe(renderEcho(flavour, 'REVERB', true, axios));
    fixture.write(file, renderEcho(flavour, 'REVERB', true, axios, SERVER_AUTH_EDITIONS[1]));
    const rerun = await install(fixture.root, { yes: true, deps: false, serverAuth: true });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).not.toContain('changed by hand');
    expect(fixture.read(file)).toBe(current);
  });

  it('BROADCAST_CONNECTION=redis is kept with a warning, and switched with --force', async () => {
    fixture = createLaravelFixture({ version: 12, env: (t) => t.replace('BROADCAST_CONNECTION=log', 'BROADCAST_CONNECTION=redis') });
    const kept = await install(fixture.root, { yes: true, deps: false });
    expect(kept.code).toBe(0);
    expect(parseDotenv(fixture.read('.env')).BROADCAST_CONNECTION).toBe('redis');
    expect(kept.stdout).toContain('BROADCAST_CONNECTION stays "redis"');
    await install(fixture.root, { yes: true, deps: false, force: true });
    expect(parseDotenv(fixture.read('.env')).BROADCAST_CONNECTION).toBe('reverb');
  });

  it('turning client events and server auth off again clears their settings', async () => {
    fixture = createLaravelFixture({ version: 12 });
    await install(fixture.root, { yes: true, deps: false, clientEvents: true, serverAuth: true });
    expect(parseDotenv(fixture.read('.env')).PUSHER_SIDECAR_ENABLE_CLIENT_MESSAGES).toBe('true');
    await install(fixture.root, { yes: true, deps: false, clientEvents: false, serverAuth: false });
    const env = parseDotenv(fixture.read('.env'));
    expect(env.PUSHER_SIDECAR_ENABLE_CLIENT_MESSAGES).toBe('false');
    expect(env.PUSHER_SIDECAR_AUTH_URL).toBe('');
    expect(fixture.read('resources/js/echo.js')).not.toContain('customHandler');
  });

  it('credentials given as flags replace the ones in .env', async () => {
    fixture = createLaravelFixture({ version: 12, priorSetup: 'reverb' });
    await install(fixture.root, { yes: true, deps: false, appId: 'orders', appKey: 'orders-key', appSecret: 'n3w+s3cr3t/=' });
    expect(parseDotenv(fixture.read('.env'))).toMatchObject({ REVERB_APP_ID: 'orders', REVERB_APP_KEY: 'orders-key', REVERB_APP_SECRET: 'n3w+s3cr3t/=' });
    expect(fixture.read('.env')).toContain('REVERB_APP_SECRET="n3w+s3cr3t/="');
  });

  it('an existing Caddyfile without the import gets a printed instruction, not an edit', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const caddyfile = 'example.com {\n\troot * public/\n\tphp_server\n}\n';
    fixture.write('Caddyfile', caddyfile);
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(fixture.read('Caddyfile')).toBe(caddyfile);
    expect(result.stdout).toContain('! Caddyfile add this line inside your site block, before php_server:\n\n\timport pusher-sidecar.caddy\n');
    fixture.write('Caddyfile', 'example.com {\n\timport pusher-sidecar.caddy\n\tphp_server\n}\n');
    const again = await install(fixture.root, { yes: true, deps: false });
    expect(again.stdout).not.toContain('import pusher-sidecar.caddy`');
  });

  it('a project checked out with Windows line endings keeps them in every file it edits', async () => {
    fixture = createLaravelFixture({ version: 11 });
    const crlf = ['.env', '.env.example', 'bootstrap/app.php', 'resources/js/bootstrap.js'];
    for (const path of crlf) fixture.write(path, fixture.read(path).replace(/\n/g, '\r\n'));
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.code).toBe(0);
    for (const path of crlf) {
      const text = fixture.read(path);
      expect(text.replace(/\r\n/g, ''), path).not.toContain('\n');
    }
    expect(fixture.read('bootstrap/app.php')).toContain("\r\n        channels: __DIR__.'/../routes/channels.php',\r\n");
    expect(fixture.read('resources/js/bootstrap.js')).toContain("import './echo';\r\n");
    const again = await install(fixture.root, { yes: true, deps: false });
    expect(again.stdout).toContain('Files already configured.');
  });
});
