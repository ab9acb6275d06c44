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
});
