import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Config } from '../../src/config/schema.js';
import { freePort, startCaddy, type RunningCaddy } from '../helpers/caddy.js';
import { connected, disconnectAll, nextEvent, pusherClient } from '../helpers/clients.js';
import { install } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { requireBinary } from '../helpers/require-binary.js';
import { startSidecar, stopAll, type TestSidecar } from '../helpers/start-sidecar.js';

/**
 * The Caddy snippet the installer writes, in a real Caddy: Caddy fronts the sidecar and a
 * stand-in for the PHP app (php_server's place), exactly as the snippet's header says to import it.
 */

const hasCaddy = requireBinary('caddy');

let caddy: RunningCaddy | undefined;
let app: Server | undefined;
let fixture: LaravelFixture | undefined;
const sockets = new Set<WebSocket>();

afterEach(async () => {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  disconnectAll();
  await caddy?.close();
  if (app) await new Promise<void>((resolve) => app!.close(() => resolve()));
  await stopAll();
  fixture?.cleanup();
  caddy = undefined;
  app = undefined;
  fixture = undefined;
});

interface Stack {
  server: TestSidecar;
  caddyPort: number;
}

/** Sidecar + stand-in app on port 0, the installer's snippet for that sidecar, Caddy in front. */
async function startStack(overrides: Partial<Config> = {}): Promise<Stack> {
  const server = await startSidecar(overrides);
  app = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`laravel: ${req.url}`));
  await new Promise<void>((resolve) => app!.listen(0, '127.0.0.1', resolve));
  const appPort = (app.address() as AddressInfo).port;

  fixture = createLaravelFixture({ version: 12 });
  const installed = await install(fixture.root, { yes: true, deps: false, host: '127.0.0.1', port: server.port });
  expect(installed.code).toBe(0);

  const caddyPort = await freePort();
  caddy = await startCaddy([
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
  return { server, caddyPort };
}

type Outcome = { accepted: true; socketId: string } | { accepted: false; status?: number; closeCode?: number };

/** A raw WebSocket through Caddy from a chosen loopback address, reduced to what the server decided. */
function connectVia(caddyPort: number, key: string, options: { localAddress?: string; origin?: string } = {}): Promise<Outcome> {
  const ws = new WebSocket(`ws://127.0.0.1:${caddyPort}/app/${key}?protocol=7&client=js&version=8.6.0`, {
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    ...(options.origin ? { headers: { Origin: options.origin } } : {}),
  });
  sockets.add(ws);
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve({ accepted: false, status: res.statusCode }));
    ws.on('error', () => {});
    ws.once('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { event: string; data: string };
      if (frame.event === 'pusher:connection_established') {
        resolve({ accepted: true, socketId: (JSON.parse(frame.data) as { socket_id: string }).socket_id });
      } else {
        ws.once('close', (code) => resolve({ accepted: false, closeCode: code }));
      }
    });
  });
}

describe.skipIf(!hasCaddy)('the generated Caddy snippet in a real Caddy', () => {
  it('routes pusher-js to the sidecar and everything else, /app/dashboard included, to the app', async () => {
    const { server, caddyPort } = await startStack();
    expect(await (await fetch(`http://127.0.0.1:${caddyPort}/`)).text()).toBe('laravel: /');
    expect(await (await fetch(`http://127.0.0.1:${caddyPort}/app/dashboard`)).text()).toBe('laravel: /app/dashboard');

    const client = pusherClient(caddyPort, server.app.key);
    await connected(client);
    const channel = client.subscribe('orders');
    await nextEvent(channel, 'pusher:subscription_succeeded');
    const received = nextEvent<{ id: number }>(channel, 'App\\Events\\OrderShipped');
    // Laravel publishes to the sidecar's internal address, as the installer's .env tells it to.
    await server.api().trigger('orders', 'App\\Events\\OrderShipped', { id: 42 });
    expect((await received)[0]).toEqual({ id: 42 });
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

  it('checks Origin against --allowed-origins when the page lives on another host', async () => {
    const { server, caddyPort } = await startStack({ allowedOrigins: ['https://shop.example.com'] });
    expect((await connectVia(caddyPort, server.app.key, { origin: 'https://shop.example.com' })).accepted).toBe(true);
    expect(await connectVia(caddyPort, server.app.key, { origin: `http://127.0.0.1:${caddyPort}` })).toEqual({ accepted: false, closeCode: 4009 });
  });
});
