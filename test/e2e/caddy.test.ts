import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { startCaddy } from '../helpers/caddy.js';
import { onCleanup } from '../helpers/cleanup.js';
import { install } from '../helpers/install-harness.js';
import { freePort } from '../helpers/free-port.js';
import { createLaravelFixture } from '../helpers/laravel-fixture.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { connected, once } from '../helpers/pusher-events.js';
import { rawClient } from '../helpers/raw-client.js';
import { requireBinary } from '../helpers/require-binary.js';
import { sign } from '../helpers/signing.js';
import { startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

/**
 * The Caddy snippet the installer writes, in a real Caddy: Caddy fronts the sidecar and a
 * stand-in for the PHP app (php_server's place), exactly as the snippet's header says to import it.
 */

const hasCaddy = requireBinary('caddy');

interface Stack {
  server: TestSidecar;
  caddyPort: number;
}

/**
 * A publish signed as pusher-php signs it (the signature covers only the /apps/... part), sent to
 * `prefix` + that path, with pusher-js's `protocol=7` added as a probe would.
 */
function signedPublishUrl(base: string, server: TestSidecar, prefix: string): { url: string; body: string } {
  const path = `/apps/${server.app.id}/events`;
  const body = JSON.stringify({ name: 'probe', channel: 'orders', data: '{}' });
  const params: Record<string, string> = {
    auth_key: server.app.key, auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0',
    body_md5: createHash('md5').update(body).digest('hex'), protocol: '7',
  };
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  return { url: `${base}${prefix}${path}?${query}&auth_signature=${sign(server.app.secret, `POST\n${path}\n${query}`)}`, body };
}

/** Sidecar + stand-in app on port 0, the installer's snippet for that sidecar, Caddy in front. */
async function startStack(overrides: Partial<Config> = {}): Promise<Stack> {
  const server = await startSidecar(overrides);
  const app = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`laravel: ${req.url}`));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => app.close(() => resolve())));
  const appPort = (app.address() as AddressInfo).port;

  const fixture = createLaravelFixture({ version: 12 });
  onCleanup(() => fixture.cleanup());
  const installed = await install(fixture.root, { yes: true, deps: false, host: '127.0.0.1', port: server.port });
  expect(installed.code).toBe(0);

  const caddyPort = await freePort();
  const caddy = await startCaddy([
    '{',
    '\tadmin off',
    '\tauto_https off',
    '}',
    '',
    `http://:${caddyPort} {`,
    '\tbind 127.0.0.1',
    `\timport ${fixture.root}/pusher-sidecar.caddy`,
    `\treverse_proxy 127.0.0.1:${appPort}`,
    '}',
    '',
  ].join('\n'));
  onCleanup(() => caddy.close());
  return { server, caddyPort };
}

type Outcome = { accepted: true; socketId: string } | { accepted: false; status?: number; closeCode?: number };

/** A raw WebSocket through Caddy from a chosen loopback address, reduced to what the server decided. */
function connectVia(caddyPort: number, key: string, options: { localAddress?: string; origin?: string } = {}): Promise<Outcome> {
  const client = rawClient(caddyPort, key, options);
  return Promise.race([
    client.refused.then(({ status }): Outcome => ({ accepted: false, status })),
    client.socketId().then(
      (socketId): Outcome => ({ accepted: true, socketId }),
      async (): Promise<Outcome> => ({ accepted: false, closeCode: (await client.closed).code }),
    ),
  ]);
}

describe.skipIf(!hasCaddy)('the generated Caddy snippet in a real Caddy', () => {
  it('routes pusher-js to the sidecar and everything else, /app/dashboard included, to the app', async () => {
    const { server, caddyPort } = await startStack();
    expect(await (await fetch(`http://127.0.0.1:${caddyPort}/`)).text()).toBe('laravel: /');
    expect(await (await fetch(`http://127.0.0.1:${caddyPort}/app/dashboard`)).text()).toBe('laravel: /app/dashboard');

    const client = pusherClient(caddyPort, server.app.key);
    await connected(client);
    const channel = client.subscribe('orders');
    await once(channel, 'pusher:subscription_succeeded');
    const received = once<{ id: number }>(channel, 'App\\Events\\OrderShipped');
    // Laravel publishes to the sidecar's internal address, as the installer's .env tells it to.
    await server.api().trigger('orders', 'App\\Events\\OrderShipped', { id: 42 });
    expect(await received).toEqual({ id: 42 });
  });

  it('lets the sidecar see each browser\'s own IP through X-Forwarded-For from Caddy', async () => {
    // One handshake per IP, then 429: the bucket shows which IP the sidecar believes.
    const { server, caddyPort } = await startStack({ handshakeRate: 0.001, handshakeBurst: 1 });
    const first = await connectVia(caddyPort, server.app.key, { localAddress: '127.0.0.5' });
    expect(first.accepted).toBe(true);
    const ips = [...server.sidecar.hub.states()].flatMap((state) => [...state.connections.values()].map((c) => c.ip));
    expect(ips).toEqual(['127.0.0.5']);
    expect(await connectVia(caddyPort, server.app.key, { localAddress: '127.0.0.5' })).toEqual({ accepted: false, status: 429 });
    expect((await connectVia(caddyPort, server.app.key, { localAddress: '127.0.0.6' })).accepted).toBe(true);
  });

  it('without trusting Caddy, every browser shares Caddy\'s address (the control case)', async () => {
    const { server, caddyPort } = await startStack({ handshakeRate: 0.001, handshakeBurst: 1, trustProxy: [] });
    expect((await connectVia(caddyPort, server.app.key, { localAddress: '127.0.0.5' })).accepted).toBe(true);
    expect(await connectVia(caddyPort, server.app.key, { localAddress: '127.0.0.6' })).toEqual({ accepted: false, status: 429 });
  });

  it('checks Origin against the host the browser asked Caddy for', async () => {
    const { server, caddyPort } = await startStack();
    expect((await connectVia(caddyPort, server.app.key, { origin: `http://127.0.0.1:${caddyPort}` })).accepted).toBe(true);
    expect(await connectVia(caddyPort, server.app.key, { origin: 'http://evil.example' })).toEqual({ accepted: false, closeCode: 4009 });
  });

  it('wants the Origin\'s port to be the one asked for: http://127.0.0.1:443 is not this site', async () => {
    const { server, caddyPort } = await startStack();
    expect(await connectVia(caddyPort, server.app.key, { origin: 'http://127.0.0.1:443' })).toEqual({ accepted: false, closeCode: 4009 });
    expect(await connectVia(caddyPort, server.app.key, { origin: `http://127.0.0.1:${caddyPort + 1}` })).toEqual({ accepted: false, closeCode: 4009 });
  });

  it('adds --allowed-origins to the same-host rule: the site\'s own pages stay allowed unless !same-host', async () => {
    const { server, caddyPort } = await startStack({ allowedOrigins: ['https://shop.example.com'] });
    expect((await connectVia(caddyPort, server.app.key, { origin: 'https://shop.example.com' })).accepted).toBe(true);
    expect((await connectVia(caddyPort, server.app.key, { origin: `http://127.0.0.1:${caddyPort}` })).accepted).toBe(true);
    expect(await connectVia(caddyPort, server.app.key, { origin: 'http://evil.example' })).toEqual({ accepted: false, closeCode: 4009 });
    const strict = await startStack({ allowedOrigins: ['!same-host', 'https://shop.example.com'] });
    expect(await connectVia(strict.caddyPort, strict.server.app.key, { origin: `http://127.0.0.1:${strict.caddyPort}` })).toEqual({ accepted: false, closeCode: 4009 });
    expect((await connectVia(strict.caddyPort, strict.server.app.key, { origin: 'https://shop.example.com' })).accepted).toBe(true);
  });

  it('does not expose the HTTP API under /app/ (a signed POST /app/x/apps/{id}/events?…&protocol=7 never reaches the sidecar)', async () => {
    const { server, caddyPort } = await startStack();
    const { url, body } = signedPublishUrl(`http://127.0.0.1:${caddyPort}`, server, '/app/x');
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(await res.text()).toMatch(/^laravel: \/app\/x\/apps\//);
    // The same request straight to the sidecar is refused too, whatever a proxy forwards.
    const direct = signedPublishUrl(server.url, server, '/app/x');
    const refused = await fetch(direct.url, { method: 'POST', body: direct.body, headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(404);
    // pusher-php's `path` prefix still works for direct calls.
    const prefixed = signedPublishUrl(server.url, server, '/pusher');
    const accepted = await fetch(prefixed.url, { method: 'POST', body: prefixed.body, headers: { 'content-type': 'application/json' } });
    expect(accepted.status).toBe(200);
  });

  it('refuses the API under /app/ even behind the old, wider `path /app/*` rule', async () => {
    const server = await startSidecar();
    const caddyPort = await freePort();
    const caddy = await startCaddy([
      '{', '\tadmin off', '\tauto_https off', '}', '',
      `http://:${caddyPort} {`, '\tbind 127.0.0.1',
      '\t@old {', '\t\tpath /app/*', '\t\tquery protocol=*', '\t}',
      `\thandle @old {`, `\t\treverse_proxy 127.0.0.1:${server.port}`, '\t}',
      '\thandle {', '\t\trespond "app" 200', '\t}',
      '}', '',
    ].join('\n'));
    onCleanup(() => caddy.close());
    const { url, body } = signedPublishUrl(`http://127.0.0.1:${caddyPort}`, server, '/app/x');
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 404 });
    await expect(server.waitForRejection('http_not_found')).resolves.toMatchObject({ route: 'not_found' });
  });
});
