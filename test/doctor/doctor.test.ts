import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../../src/apps/app.js';
import type { Config } from '../../src/config/schema.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/capture-io.js';
import { onCleanup } from '../helpers/cleanup.js';
import { broadcastEnvLines, createLaravelFixture, type BroadcastEnv, type FixtureOptions } from '../helpers/doctor-fixture.js';
import { startFakeSite, type FakeSite } from '../helpers/fake-laravel-site.js';
import { freePort } from '../helpers/free-port.js';
import { requireBinary, requirePackageFile } from '../helpers/require-binary.js';
import { buildFrontEnd } from '../helpers/build-front-end.js';
import { renderEcho } from '../../src/installer/plan-echo.js';
import { TEST_APP, startSidecar } from '../helpers/start-sidecar.js';

// The Laravel publish check boots a fixture app on Debian's Illuminate 8.83 (test/fixtures/laravel-php).
const php = requireBinary('php', 'php-cli') && requirePackageFile('/usr/share/php/Illuminate/autoload.php', 'php-laravel-framework');

const APP: App = { ...TEST_APP, id: '123456', key: 'laravelkey0000000000', secret: 'laravelsecret0000000' };

interface Scenario {
  driver?: 'reverb' | 'pusher';
  /** Options the sidecar runs with. */
  sidecarConfig?: Partial<Config>;
  /** The secret the sidecar runs with (default: the one in .env). */
  sidecarSecret?: string;
  sidecarDown?: boolean;
  authStatus?: number;
  editEnv?: (lines: string[]) => string[];
  fixture?: Partial<FixtureOptions>;
  /** Runs on the project before doctor does. */
  prepare?: (dir: string, env: BroadcastEnv) => void | Promise<void>;
  /** Variables in doctor's (and so PHP's) environment. */
  processEnv?: Record<string, string>;
}

describe('pusher-sidecar doctor', () => {
  let site: FakeSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  async function doctor(scenario: Scenario = {}) {
    let sidecarPort: number;
    if (scenario.sidecarDown) {
      sidecarPort = await freePort();
    } else {
      const server = await startSidecar(scenario.sidecarConfig ?? {}, { apps: [{ ...APP, secret: scenario.sidecarSecret ?? APP.secret }] });
      sidecarPort = server.port;
    }
    site = await startFakeSite({ sidecarPort, ...(scenario.authStatus ? { authStatus: scenario.authStatus } : {}) });
    const env: BroadcastEnv = { driver: scenario.driver ?? 'reverb', appId: APP.id, key: APP.key, secret: APP.secret, serverPort: sidecarPort, publicPort: site.port };
    const lines = broadcastEnvLines(env);
    const dir = createLaravelFixture({ envLines: scenario.editEnv ? scenario.editEnv(lines) : lines, ...scenario.fixture });
    await scenario.prepare?.(dir, env);
    // PATH so doctor finds php; the rest of the environment stays out, as .env is what is checked.
    // Without Illuminate the fixture cannot boot: hide php so that check skips instead of failing.
    const { io, stdout, stderr } = captureIO(dir, { PATH: php ? process.env.PATH : '/no-php-here', ...scenario.processEnv });
    const code = await main(['node', 'pusher-sidecar', 'doctor', '--timeout', '3000'], io);
    const out = stdout();
    expect(stderr()).toBe('');
    expect(out).not.toContain(APP.secret);
    return { code, out, dir, line: (title: string) => out.split('\n').find((l) => l.slice(2).startsWith(`${title}:`)) ?? '', fixOf: (title: string) => {
      const all = out.split('\n');
      const at = all.findIndex((l) => l.slice(2).startsWith(`${title}:`));
      return at >= 0 && all[at + 1]?.startsWith('    fix: ') ? all[at + 1]!.slice(9) : '';
    } };
  }

  it('is all green for a working reverb setup, checking every piece end to end', async () => {
    const { code, out } = await doctor();
    expect(out).not.toContain('✗');
    if (php) expect(out).not.toMatch(/^- /m);
    for (const title of ['.env', 'broadcast driver', 'app credentials', 'publish address', 'browser (VITE_) settings', 'APP_URL',
      'config/broadcasting.php', 'config cache', 'Caddy snippet', 'sidecar /up', 'signed API call', 'WebSocket via the public URL',
      'publish → receive', ...(php ? ['publish through Laravel (PHP)'] : []), '/broadcasting/auth']) {
      expect(out).toContain(`✓ ${title}: `);
    }
    expect(out).toContain('reached pusher:connection_established');
    expect(out).toContain('came back on public channel pusher-sidecar-doctor-');
    expect(out).toContain('HTTP 403 for a guest');
    expect(out).toContain(php ? 'All checks passed.' : 'All checks passed (1 skipped).');
    expect(code).toBe(0);
  });

  it('is all green for the pusher variant (PUSHER_* with a cluster)', async () => {
    const { code, out } = await doctor({ driver: 'pusher' });
    expect(out).toContain('✓ broadcast driver: BROADCAST_CONNECTION=pusher');
    expect(out).toContain('✓ config/broadcasting.php: uses the \'pusher\' connection with PUSHER_HOST/PUSHER_PORT/PUSHER_SCHEME from .env');
    expect(out).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('says the credentials do not match when the sidecar has another secret', async () => {
    const { code, line, fixOf } = await doctor({ sidecarSecret: 'a-different-secret' });
    expect(line('signed API call')).toMatch(/^✗ .*refused the signature \(auth_signature does not match/);
    expect(fixOf('signed API call')).toContain('REVERB_APP_KEY/REVERB_APP_SECRET in .env must equal the sidecar\'s --app-key/--app-secret');
    expect(fixOf('signed API call')).toContain('restart it');
    expect(line('WebSocket via the public URL')).toMatch(/^✓/);
    expect(line('publish → receive')).toBe('- publish → receive: skipped: needs api');
    expect(code).toBe(1);
  });

  it('names a missing VITE key and how to add it', async () => {
    const { code, line, fixOf } = await doctor({ editEnv: (lines) => lines.filter((l) => !l.startsWith('VITE_REVERB_APP_KEY=')) });
    expect(line('browser (VITE_) settings')).toBe('✗ browser (VITE_) settings: VITE_REVERB_APP_KEY is missing: Echo in the browser has no app key');
    expect(fixOf('browser (VITE_) settings')).toBe('add VITE_REVERB_APP_KEY="${REVERB_APP_KEY}" to .env, then rebuild the front end (npm run build) so the bundle picks it up');
    expect(line('WebSocket via the public URL')).toContain('skipped: needs vite');
    expect(line('signed API call')).toMatch(/^✓/);
    expect(code).toBe(1);
  });

  it('notices a VITE key that differs from the server-side key', async () => {
    const { code, line } = await doctor({ editEnv: (lines) => lines.map((l) => (l.startsWith('VITE_REVERB_APP_KEY=') ? 'VITE_REVERB_APP_KEY=stale' : l)) });
    expect(line('browser (VITE_) settings')).toContain('VITE_REVERB_APP_KEY (stale) differs from REVERB_APP_KEY');
    expect(code).toBe(1);
  });

  it('reports a sidecar that is down, at both the internal and the public address', async () => {
    const { code, line, fixOf } = await doctor({ sidecarDown: true });
    expect(line('sidecar /up')).toMatch(/^✗ sidecar \/up: GET http:\/\/127\.0\.0\.1:\d+\/up: connection refused/);
    expect(fixOf('sidecar /up')).toContain('start the sidecar');
    expect(line('signed API call')).toContain('skipped: needs up');
    expect(line('WebSocket via the public URL')).toContain('answered HTTP 502');
    expect(fixOf('WebSocket via the public URL')).toContain('start the sidecar');
    expect(code).toBe(1);
  });

  it('says where to register the channels route when /broadcasting/auth is a 404', async () => {
    const { code, line, fixOf } = await doctor({ authStatus: 404, fixture: { channelsRoute: false, php: 'no-vendor' } });
    expect(line('/broadcasting/auth')).toContain('answered 404: the broadcasting auth route is not registered');
    expect(fixOf('/broadcasting/auth')).toBe("add channels: __DIR__.'/../routes/channels.php', to ->withRouting(...) in bootstrap/app.php (php artisan install:broadcasting does both)");
    expect(code).toBe(1);
  });

  it('checks the Caddyfile imports the snippet', async () => {
    const { code, line, fixOf } = await doctor({ fixture: { caddyImport: false } });
    expect(line('Caddy snippet')).toBe('✗ Caddy snippet: Caddyfile does not import pusher-sidecar.caddy');
    expect(fixOf('Caddy snippet')).toContain('add the line "import pusher-sidecar.caddy" inside the site block of Caddyfile');
    expect(code).toBe(1);
  });

  it('flags a config cache older than .env, a missing broadcasting config and a wrong driver', async () => {
    const cached = await doctor({ fixture: {} });
    writeFileSync(join(cached.dir, 'bootstrap', 'cache', 'config.php'), '<?php return [];');
    utimesSync(join(cached.dir, 'bootstrap', 'cache', 'config.php'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const { io, stdout } = captureIO(cached.dir);
    expect(await main(['node', 'pusher-sidecar', 'doctor', '--skip', 'up,api,websocket,round-trip,auth-route'], io)).toBe(1);
    expect(stdout()).toContain('✗ config cache: bootstrap/cache/config.php is older than .env');
    expect(stdout()).toContain('- signed API call: skipped (--skip)');

    const noConfig = await doctor({ fixture: { broadcastingPhp: false } });
    expect(noConfig.line('config/broadcasting.php')).toContain('✗ config/broadcasting.php: missing');

    const logDriver = await doctor({ editEnv: (lines) => lines.map((l) => (l.startsWith('BROADCAST_CONNECTION=') ? 'BROADCAST_CONNECTION=log' : l)) });
    expect(logDriver.line('broadcast driver')).toContain('BROADCAST_CONNECTION=log');
    expect(logDriver.fixOf('broadcast driver')).toContain('BROADCAST_CONNECTION=reverb');
    expect(logDriver.line('sidecar /up')).toContain('skipped: needs server');
  });

  it('refuses unknown --skip names', async () => {
    const { io, stderr } = captureIO(process.cwd());
    expect(await main(['node', 'pusher-sidecar', 'doctor', '--skip', 'websockets'], io)).toBe(2);
    expect(stderr()).toContain('--skip websockets: unknown check');
  });

  it('runs outside a Laravel project without crashing and says where to run it', async () => {
    const { io, stdout } = captureIO('/nonexistent-dir-for-doctor');
    expect(await main(['node', 'pusher-sidecar', 'doctor', '--skip', 'caddy'], io)).toBe(1);
    expect(stdout()).toContain('✗ .env: /nonexistent-dir-for-doctor/.env: not found');
    expect(stdout()).toContain('run pusher-sidecar doctor in the Laravel project root');
  });
  describe('the built front end (real Vite builds of Echo)', () => {
    const title = 'built front end';
    /** Laravel's stock echo.js, and the one pusher-sidecar install writes (server-side auth on). */
    const entries = {
      laravel: readFileSync(new URL('../fixtures/laravel/laravel-echo-reverb.js', import.meta.url), 'utf8'),
      sidecar: renderEcho({ kind: 'global', ts: false }, 'REVERB', true, false),
    };

    /** `npm run build` of resources/js/app.js holding `entry`. */
    const build = async (dir: string, entry: string) => {
      mkdirSync(join(dir, 'resources', 'js'), { recursive: true });
      writeFileSync(join(dir, 'resources', 'js', 'app.js'), entry);
      await buildFrontEnd(dir, { app: 'resources/js/app.js' }, { laravel: true });
    };

    it.each(Object.keys(entries) as Array<keyof typeof entries>)('passes when the %s echo.js bundle holds the .env values', async (which) => {
      const { line } = await doctor({ prepare: (dir) => build(dir, entries[which]) });
      expect(line(title)).toMatch(/^✓ built front end: public\/build\/assets\/app-[\w-]+\.js connects with the \.env values \(key laravelkey0000000000, ws:\/\/127\.0\.0\.1:\d+\)$/);
    });

    it('names the stale file and says run npm run build after the public URL changed', async () => {
      const { code, line, fixOf } = await doctor({
        prepare: async (dir) => {
          // Built while the site was still at its old address, then .env moved on.
          const current = readFileSync(join(dir, '.env'), 'utf8');
          writeFileSync(join(dir, '.env'), current.replace(/^VITE_REVERB_HOST=.*$/m, 'VITE_REVERB_HOST=old.example.com').replace(/^VITE_REVERB_PORT=.*$/m, 'VITE_REVERB_PORT=8443').replace(/^VITE_REVERB_SCHEME=.*$/m, 'VITE_REVERB_SCHEME=https'));
          await build(dir, entries.sidecar);
          writeFileSync(join(dir, '.env'), current);
        },
      });
      expect(line(title)).toMatch(/^✗ built front end: public\/build\/assets\/app-[\w-]+\.js was built with other Echo options than \.env has now: host old\.example\.com \(VITE_REVERB_HOST is 127\.0\.0\.1\), port 8443 \(VITE_REVERB_PORT is \d+\), wss \(VITE_REVERB_SCHEME is http\)$/);
      expect(fixOf(title)).toBe('run `npm run build`: Vite copies the VITE_ values into the bundle when it builds');
      expect(code).toBe(1);
    });

    it('says nothing for the dev server (public/hot), and asks for a build when there is none', async () => {
      const hot = await doctor({ prepare: (dir) => { writeFileSync(join(dir, 'public', 'hot'), 'http://127.0.0.1:5173'); writeFileSync(join(dir, 'package.json'), '{}'); } });
      expect(hot.out).not.toContain('built front end');
      const none = await doctor({ prepare: (dir) => writeFileSync(join(dir, 'package.json'), '{}') });
      expect(none.line(title)).toBe('! built front end: public/build/manifest.json is missing: the front end has not been built, so browsers get no Echo');
      expect(none.fixOf(title)).toBe('run `npm run build` (or npm run dev while developing)');
    });
  });

  describe('fixes that point the right way', () => {
    const ws = 'WebSocket via the public URL';
    const setEnv = (key: string, value: string) => (lines: string[]) => lines.map((l) => (l.startsWith(`${key}=`) ? `${key}=${value}` : l));

    it('a VITE_REVERB_HOST that is another site (a page, not an upgrade) gets a fix about the host', async () => {
      // Another virtual host on this machine: answers every request with a page.
      const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Welcome</h1>'));
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
      onCleanup(() => new Promise<void>((resolve) => other.close(() => resolve())));
      const { port } = other.address() as AddressInfo;
      const { code, line, fixOf } = await doctor({ editEnv: (lines) => setEnv('VITE_REVERB_PORT', String(port))(setEnv('VITE_REVERB_HOST', '127.0.0.2')(lines)) });
      expect(line(ws)).toBe(`✗ ${ws}: ws://127.0.0.2:${port}/app/laravelkey0000000000 answered HTTP 200 instead of upgrading: VITE_REVERB_HOST=127.0.0.2 is not the site the pages come from (127.0.0.1), whose Caddyfile imports pusher-sidecar.caddy`);
      expect(fixOf(ws)).toBe('set VITE_REVERB_HOST=127.0.0.1 in .env (the host of APP_URL), then npm run build');
      expect(fixOf(ws)).not.toContain('upgrades');
      expect(code).toBe(1);
    });

    it('VITE_REVERB_PORT at the sidecar\'s own port (a Reverb habit) is told to go through the public port', async () => {
      let sitePort = 0;
      const { code, line, fixOf } = await doctor({
        editEnv: (lines) => {
          sitePort = Number(new URL(lines.find((l) => l.startsWith('APP_URL='))!.slice(8)).port);
          const sidecarPort = lines.find((l) => l.startsWith('REVERB_PORT='))!.slice(12);
          return setEnv('VITE_REVERB_PORT', sidecarPort)(lines);
        },
      });
      expect(line(ws)).toContain('closed with 4009 (Origin not allowed)');
      expect(line(ws)).toMatch(/the browser connects to port \d+ \(VITE_REVERB_PORT\) but the pages come from port \d+ \(APP_URL\): the sidecar allows pages on the host and port the socket was sent to, plus its allowed origins$/);
      expect(fixOf(ws)).toBe(`point the browser at the public port, through Caddy: VITE_REVERB_PORT=${sitePort} in .env, then npm run build (the sidecar's own port is for Laravel and Caddy, not for browsers)`);
      expect(fixOf(ws)).not.toContain('--allowed-origins');
      expect(code).toBe(1);
    });

    it('a 4009 from PUSHER_SIDECAR_ALLOWED_ORIGINS in .env names that key', async () => {
      const allowed = '!same-host,https://admin.example.com';
      const { code, line, fixOf } = await doctor({
        sidecarConfig: { allowedOrigins: allowed.split(',') },
        editEnv: (lines) => [...lines, `PUSHER_SIDECAR_ALLOWED_ORIGINS="${allowed}"`],
      });
      const origin = line('APP_URL').replace(/^✓ APP_URL: APP_URL=/, '');
      expect(line(ws)).toContain(`closed with 4009 (Origin not allowed): Origin "${origin}" not allowed (request host "127.0.0.1:`);
      expect(line(ws)).toContain(`; PUSHER_SIDECAR_ALLOWED_ORIGINS in .env has !same-host and does not list ${origin}`);
      expect(fixOf(ws)).toBe(`add ${origin} to PUSHER_SIDECAR_ALLOWED_ORIGINS in .env (comma-separated), then restart the sidecar (unless its command line sets --allowed-origins, which wins)`);
      expect(code).toBe(1);
    });

    it('listing other origins keeps APP_URL\'s own pages allowed (the same-host rule stays)', async () => {
      const { line } = await doctor({ sidecarConfig: { allowedOrigins: ['https://admin.example.com'] }, editEnv: (lines) => [...lines, 'PUSHER_SIDECAR_ALLOWED_ORIGINS=https://admin.example.com'] });
      expect(line(ws)).toMatch(/^✓ .*reached pusher:connection_established/);
    });
  });

  describe.skipIf(!php)('publishing through Laravel itself (php boots the app: Debian Illuminate 8.83 + a stand-in Pusher SDK)', () => {
    const title = 'publish through Laravel (PHP)';

    it('proves the app\'s own broadcaster reaches the sidecar on a private channel', async () => {
      const { line } = await doctor();
      expect(line(title)).toMatch(/^✓ publish through Laravel \(PHP\): Laravel itself \(PHP, connection 'reverb'\) published on private-pusher-sidecar-doctor-[0-9a-f]{12} and the event arrived$/);
      const pusher = await doctor({ driver: 'pusher' });
      expect(pusher.line(title)).toContain("connection 'pusher') published on private-pusher-sidecar-doctor-");
    });

    it('fails when composer install never ran (no vendor/)', async () => {
      const { code, line, fixOf } = await doctor({ fixture: { php: 'no-vendor' } });
      expect(line(title)).toBe('✗ publish through Laravel (PHP): vendor/autoload.php is missing: composer install never ran here, so Laravel cannot load pusher/pusher-php-server and cannot publish');
      expect(fixOf(title)).toContain('run composer install');
      // Doctor's own JS publish still works: only this check tells the truth about Laravel.
      expect(line('publish → receive')).toMatch(/^✓/);
      expect(code).toBe(1);
    });

    it('reports PHP\'s exact error when pusher/pusher-php-server is missing', async () => {
      const { code, line, fixOf } = await doctor({ fixture: { php: 'no-sdk' } });
      expect(line(title)).toContain('✗ publish through Laravel (PHP): Laravel cannot publish: pusher/pusher-php-server is not installed (PHP: Error: Class "Pusher\\Pusher" not found');
      expect(fixOf(title)).toBe("composer require pusher/pusher-php-server (Laravel's reverb and pusher drivers both use it)");
      expect(code).toBe(1);
    });

    it('names a config cache that holds old credentials', async () => {
      const { code, line, fixOf, out } = await doctor({
        prepare: (dir, env) => writeFileSync(join(dir, 'bootstrap', 'cache', 'config.php'), `<?php return ${phpArray({
          app: { env: 'local', timezone: 'UTC', providers: ['Illuminate\\Broadcasting\\BroadcastServiceProvider'] },
          broadcasting: { default: 'reverb', connections: { reverb: { driver: 'reverb', key: 'oldkey00000000000000', secret: 'oldsecret-never-shown', app_id: env.appId, options: { host: '127.0.0.1', port: String(env.serverPort), scheme: 'http', useTLS: false } } } },
        })};\n`),
      });
      expect(line(title)).toContain('✗ publish through Laravel (PHP): Laravel\'s publish failed (PHP: Illuminate\\Broadcasting\\BroadcastException: Pusher error: ');
      expect(line(title)).toContain('because bootstrap/cache/config.php (a config cache) holds other broadcasting settings than .env: REVERB_APP_KEY: Laravel uses oldkey00000000000000, .env has laravelkey0000000000; REVERB_APP_SECRET differs from .env');
      expect(fixOf(title)).toContain('php artisan config:clear');
      expect(out).not.toContain('oldsecret-never-shown');
      expect(code).toBe(1);
    });

    it('names the setting when Laravel publishes to another port than .env says (a shell variable overrides .env)', async () => {
      const wrongPort = String(await freePort());
      const { code, line, fixOf, out } = await doctor({ processEnv: { REVERB_PORT: wrongPort } });
      expect(line(title)).toContain(`Connection refused for URI http://127.0.0.1:${wrongPort}/apps/123456/events?auth_key=laravelkey0000000000&`);
      // The SDK's error carries the signed URI; the signature is not repeated.
      expect(line(title)).toContain('auth_signature=[redacted]');
      expect(out).not.toMatch(/auth_signature=[0-9a-f]{64}/);
      expect(line(title)).toMatch(new RegExp(`the environment already sets REVERB_PORT, which wins over \\.env \\(phpdotenv never overwrites a variable\\): REVERB_PORT: Laravel uses ${wrongPort}, \\.env has \\d+$`));
      expect(fixOf(title)).toBe('unset REVERB_PORT in the environment Laravel runs in (shell, service file, container), or give it the .env value');
      expect(code).toBe(1);
    });

    it('says plainly that the check was skipped when php is not on PATH', async () => {
      const { code, line, out } = await doctor({ processEnv: { PATH: '/nonexistent' } });
      expect(line(title)).toBe('- publish through Laravel (PHP): php is not on PATH here, so the check that publishes through Laravel itself was skipped: nothing above proves Laravel can publish');
      expect(out).toContain('All checks passed (1 skipped).');
      expect(code).toBe(0);
    });
  });
});

/** A PHP array literal for a config cache file (what php artisan config:cache writes, minus var_export's layout). */
function phpArray(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
  const entries = Array.isArray(value) ? value.map((v) => phpArray(v)) : Object.entries(value).map(([k, v]) => `'${k}' => ${phpArray(v)}`);
  return `[${entries.join(', ')}]`;
}
