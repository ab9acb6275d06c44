import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { install, TEST_CREDENTIALS, SIDECAR_SPEC } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';

let fixture: LaravelFixture | undefined;
let dir: string | undefined;
afterEach(() => {
  fixture?.cleanup();
  fixture = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('refusing to run outside a Laravel project', () => {
  it('names what it looked for', async () => {
    dir = mkdtempSync(join(tmpdir(), 'not-laravel-'));
    const result = await install(dir, { yes: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Not a Laravel project: no artisan file');
    expect(result.stderr).toContain('looked for ./artisan and laravel/framework in ./composer.json');
    expect(result.stdout).toBe('');
  });

  it('needs laravel/framework in composer.json, and a supported major', async () => {
    dir = mkdtempSync(join(tmpdir(), 'not-laravel-'));
    writeFileSync(join(dir, 'artisan'), '');
    writeFileSync(join(dir, 'composer.json'), JSON.stringify({ require: { 'symfony/console': '^7.0' } }));
    let result = await install(dir, { yes: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('composer.json does not require laravel/framework');

    writeFileSync(join(dir, 'composer.json'), JSON.stringify({ require: { 'laravel/framework': '^9.19' } }));
    result = await install(dir, { yes: true });
    expect(result.stderr).toContain('Laravel 9 is not supported');

    writeFileSync(join(dir, 'composer.json'), '{ not json');
    result = await install(dir, { yes: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('composer.json is not valid JSON');
  });

  it('reads the exact version from composer.lock', async () => {
    fixture = createLaravelFixture({ version: 11 });
    fixture.write('composer.lock', JSON.stringify({ packages: [{ name: 'laravel/framework', version: 'v11.44.2' }] }));
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.stdout).toContain('Laravel 11 (composer.lock (v11.44.2))');
  });
});

describe('flags', () => {
  it('reports every bad flag at once, naming each, without echoing a secret', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const before = fixture.snapshot();
    const result = await install(fixture.root, {
      yes: true, publicPort: '99999', port: 'x', scheme: 'wss', publicHost: 'bad host', appKey: 'a/b', appSecret: 'has"quote', service: 'launchd', authUrl: 'localhost/auth',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      '  --public-host: "bad host" is not a host name or IP address',
      '  --public-port: must be a port number between 1 and 65535',
      '  --port: must be a port number between 1 and 65535',
      '  --scheme: must be http or https',
      '  --app-key: use letters, digits, dot, dash or underscore only (it appears in URLs)',
      '  --app-secret: use letters, digits and . _ ~ + / = - only (it must read the same in PHP and Node)',
      '  --auth-url: must be an http:// or https:// URL',
      '  --service: must be one of none, systemd, supervisor',
    ]);
    expect(result.stderr).not.toContain('has"quote');
    expect(fixture.snapshot()).toEqual(before);
  });

  it('--no-deps prints the commands instead of running them', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'react' });
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.commands).toEqual([]);
    expect(result.stdout).toContain(`Install the packages:\n    composer require pusher/pusher-php-server\n    npm install --save-dev laravel-echo pusher-js @laravel/echo-react ${SIDECAR_SPEC}\n`);
  });

  it('prints the commands when composer or npm is missing, and uses the lockfile\'s package manager', async () => {
    fixture = createLaravelFixture({ version: 11, frontEnd: 'vue' });
    fixture.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
    const result = await install(fixture.root, { yes: true }, { onPath: ['pnpm'] });
    expect(result.code).toBe(0);
    expect(result.commands).toEqual([`pnpm add --save-dev laravel-echo pusher-js @laravel/echo-vue ${SIDECAR_SPEC}`]);
    expect(result.stdout).toContain('composer not found on PATH; run these yourself:\n    composer require pusher/pusher-php-server\n');
  });

  it('a failing package install is reported and fails the run, after the files are written', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const result = await install(fixture.root, { yes: true }, { exitCodes: { npm: 1 } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`npm exited with 1; run it yourself:\n    npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}\n`);
    expect(fixture.exists('resources/js/echo.js')).toBe(true);
  });

  it('an IPv6 sidecar address is bare where the sidecar listens and bracketed where a URL is built', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const result = await install(fixture.root, { yes: true, deps: false, host: '::1', port: 6002 });
    expect(result.code).toBe(0);
    expect(fixture.read('.env')).toContain('PUSHER_SIDECAR_HOST="::1"\nPUSHER_SIDECAR_PORT=6002\n');
    expect(fixture.read('.env')).toContain('REVERB_HOST="[::1]"\nREVERB_PORT=6002\n');
    expect(fixture.read('pusher-sidecar.caddy')).toContain('\treverse_proxy [::1]:6002 {\n');
  });

  it('--service supervisor writes a Supervisor program for this project', async () => {
    fixture = createLaravelFixture({ version: 12 });
    await install(fixture.root, { yes: true, deps: false, service: 'supervisor' });
    const conf = fixture.read('pusher-sidecar.supervisor.conf');
    expect(conf).toContain(`directory=${fixture.root}\n`);
    expect(conf).toContain('[program:pusher-sidecar]');
  });

  it('a .env missing but .env.example present: .env is created from it', async () => {
    fixture = createLaravelFixture({ version: 12, withoutEnv: true });
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.code).toBe(0);
    expect(fixture.read('.env')).toContain('REVERB_APP_KEY=k3yk3yk3yk3yk3yk3yk3');
    expect(fixture.read('.env')).toContain('APP_NAME=Laravel');
    expect(result.stdout).toContain('There was no .env: it was created from .env.example. Run `php artisan key:generate`.');
    expect(statSync(join(fixture.root, '.env')).mode & 0o777).toBe(0o600);
  });
});

describe('--dry-run', () => {
  it('shows the summary and diffs, masks the secret, and writes and runs nothing', async () => {
    fixture = createLaravelFixture({ version: 11 });
    const before = fixture.snapshot();
    const result = await install(fixture.root, { yes: true, dryRun: true });
    expect(result.code).toBe(0);
    expect(fixture.snapshot()).toEqual(before);
    expect(result.commands).toEqual([]);
    expect(result.stdout).toContain('Dry run, nothing written. These files would change:');
    expect(result.stdout).toMatch(/would create {2}config\/broadcasting\.php/);
    expect(result.stdout).toContain('--- a/.env\n+++ b/.env\n');
    expect(result.stdout).toContain('-BROADCAST_CONNECTION=log\n+BROADCAST_CONNECTION=reverb\n');
    expect(result.stdout).toContain('--- /dev/null\n+++ b/routes/channels.php\n@@ -0,0 +1,');
    expect(result.stdout).toContain('+REVERB_APP_SECRET=********\n');
    expect(result.stdout).not.toContain(TEST_CREDENTIALS.secret);
    expect(result.stdout).toContain('These commands would run:\n    composer require pusher/pusher-php-server\n');
  });

  it('masks every other .env value shown as diff context, and old values it replaces', async () => {
    fixture = createLaravelFixture({ version: 12, env: (t) => `${t}DB_PASSWORD=hunter2-neighbour\nREVERB_APP_SECRET=old-secret-value\nREVERB_APP_ID=1\nREVERB_APP_KEY=k\n` });
    const result = await install(fixture.root, { yes: true, dryRun: true, appSecret: 'new-secret-value' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(' DB_PASSWORD=********\n');
    expect(result.stdout).toContain('-REVERB_APP_SECRET=********\n+REVERB_APP_SECRET=********\n');
    expect(result.stdout).toContain('+VITE_REVERB_HOST=localhost\n');
    for (const value of ['hunter2-neighbour', 'old-secret-value', 'new-secret-value', 'base64:']) expect(result.stdout).not.toContain(value);
  });
});
