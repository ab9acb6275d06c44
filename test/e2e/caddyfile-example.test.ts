import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startCaddy } from '../helpers/caddy.js';
import { onCleanup } from '../helpers/cleanup.js';
import { freePort } from '../helpers/free-port.js';
import { install } from '../helpers/install-harness.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { connected, once } from '../helpers/pusher-events.js';
import { startSidecar } from '../helpers/start-sidecar.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { requireBinary } from '../helpers/require-binary.js';

/**
 * Caddyfile.example must be a working config. CI has stock Caddy, not FrankenPHP, so its two
 * FrankenPHP directives are swapped for stock ones before Caddy adapts it (which parses every
 * directive and resolves the import).
 */

const hasCaddy = requireBinary('caddy');
const EXAMPLE = readFileSync(fileURLToPath(new URL('../../Caddyfile.example', import.meta.url)), 'utf8');
const FPM_EXAMPLE = readFileSync(fileURLToPath(new URL('../../Caddyfile.php-fpm.example', import.meta.url)), 'utf8');

let fixture: LaravelFixture | undefined;
let dir: string | undefined;
afterEach(() => {
  fixture?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  fixture = undefined;
  dir = undefined;
});

interface Route { handle?: Array<{ handler: string; routes?: Route[]; upstreams?: Array<{ dial: string }> }>; match?: unknown[] }

function adapt(caddyfile: string, snippet: string): { routes: Route[]; json: string } {
  dir = mkdtempSync(join(tmpdir(), 'caddy-example-'));
  writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  writeFileSync(join(dir, 'pusher-sidecar.caddy'), snippet);
  const json = execFileSync('caddy', ['adapt', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  const config = JSON.parse(json) as { apps: { http: { servers: Record<string, { routes: Route[] }> } } };
  return { routes: Object.values(config.apps.http.servers)[0]!.routes, json };
}

function stockCaddy(text: string): string {
  return text.replace(/^\tfrankenphp$/m, '').replace(/^\tphp_server$/m, '\tfile_server');
}

describe.skipIf(!hasCaddy)('Caddyfile.php-fpm.example', () => {
  it('adapts as is in stock Caddy: the sidecar route ahead of php_fastcgi', async () => {
    fixture = createLaravelFixture({ version: 12 });
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    const { json } = adapt(FPM_EXAMPLE, fixture.read('pusher-sidecar.caddy'));
    const proxy = json.indexOf('"dial":"127.0.0.1:6001"');
    expect(proxy).toBeGreaterThan(-1);
    expect(json.indexOf('"dial":"unix//run/php/php8.3-fpm.sock"')).toBeGreaterThan(proxy);
    expect(json).toContain('"transport":{"protocol":"fastcgi"');
  });
});

/**
 * Each example as a running site: only what cannot run here is swapped (the domain for a loopback
 * port, TLS and the admin API off, the project's real paths; FrankenPHP's directives for stock
 * ones). pusher-js connects through Caddy to a real sidecar and receives an event published to
 * the sidecar directly; a file in public/ still comes from the PHP side of the site.
 */
describe.skipIf(!hasCaddy)('both examples, running in a real Caddy', () => {
  const variants = [
    ['Caddyfile.example (FrankenPHP)', () => stockCaddy(EXAMPLE)],
    ['Caddyfile.php-fpm.example', () => FPM_EXAMPLE],
  ] as const;
  for (const [name, text] of variants) {
    it(`${name}: pusher-js through Caddy to the sidecar`, async () => {
      const server = await startSidecar();
      const site = createLaravelFixture({ version: 12 });
      onCleanup(() => site.cleanup());
      expect((await install(site.root, { yes: true, deps: false, host: '127.0.0.1', port: server.port })).code).toBe(0);
      site.write('public/robots.txt', 'from public/\n');
      const caddyPort = await freePort();
      const caddyfile = text()
        .replace(/^\{\n/m, '{\n\tadmin off\n\tauto_https off\n')
        .replace(/^example\.com \{$/m, `http://127.0.0.1:${caddyPort} {`)
        .replace(/^\troot \* .*$/m, `\troot * ${site.root}/public`)
        .replace('\timport pusher-sidecar.caddy', `\timport ${site.root}/pusher-sidecar.caddy`);
      const caddy = await startCaddy(caddyfile);
      onCleanup(() => caddy.close());

      expect(await (await fetch(`http://127.0.0.1:${caddyPort}/robots.txt`)).text()).toBe('from public/\n');
      const client = pusherClient(caddyPort, server.app.key);
      await connected(client);
      const channel = client.subscribe('orders');
      await once(channel, 'pusher:subscription_succeeded');
      const received = once<{ id: number }>(channel, 'App\\Events\\OrderShipped');
      await server.api().trigger('orders', 'App\\Events\\OrderShipped', { id: 7 });
      expect(await received).toEqual({ id: 7 });
    });
  }
});

describe.skipIf(!hasCaddy)('Caddyfile.example', () => {
  it('adapts with the generated snippet, the sidecar route ahead of the app', async () => {
    fixture = createLaravelFixture({ version: 12 });
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    const { json } = adapt(stockCaddy(EXAMPLE), fixture.read('pusher-sidecar.caddy'));
    const proxy = json.indexOf('"dial":"127.0.0.1:6001"');
    expect(proxy).toBeGreaterThan(-1);
    expect(json.indexOf('"handler":"file_server"')).toBeGreaterThan(proxy);
    expect(json).toContain('"query":{"protocol":["*"]}');
  });

  it('its "several sidecar upstreams" block is valid too', () => {
    const block = EXAMPLE.split('Then replace the import above with:')[1]!
      .split('\n').filter((line) => line.startsWith('#\t')).map((line) => line.slice(1)).join('\n');
    expect(block).toContain('lb_policy ip_hash');
    const { json } = adapt(stockCaddy(EXAMPLE).replace('\timport pusher-sidecar.caddy', block), '');
    for (const port of [6001, 6002, 6003]) expect(json).toContain(`"dial":"127.0.0.1:${port}"`);
  });
});
