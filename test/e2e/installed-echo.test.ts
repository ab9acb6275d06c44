import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { createLaravelAuthForwarder } from '../../src/auth/laravel-auth-forwarder.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { createSidecar, type Sidecar } from '../../src/server.js';
import { startEchoClient, viteEnv, type EchoClient } from '../helpers/echo-client.js';
import { startFakeLaravel } from '../helpers/fake-laravel.js';
import { install } from '../helpers/install-harness.js';
import { createLaravelFixture, type FixtureVersion, type LaravelFixture } from '../helpers/laravel-fixture.js';

/**
 * The whole chain an installed app runs, with nothing hand-configured:
 * - the sidecar loads its app from the generated .env, as `npx pusher-sidecar serve` does;
 * - "Laravel" publishes with the `pusher` SDK using the .env's server-side keys ({P}_HOST/PORT/…),
 *   as pusher-php does for the reverb/pusher driver;
 * - the generated Echo bootstrap runs in Node with the .env's VITE_* values, and its axios
 *   requests carry X-Socket-ID, so toOthers() really excludes the sender.
 */

let fixture: LaravelFixture | undefined;
let sidecar: Sidecar | undefined;
let laravel: Server | undefined;
let client: EchoClient | undefined;
let forwarder: ReturnType<typeof createLaravelAuthForwarder> | undefined;

afterEach(async () => {
  await client?.close();
  await sidecar?.close();
  await forwarder?.close?.();
  forwarder = undefined;
  if (laravel) await new Promise<void>((resolve) => laravel!.close(() => resolve()));
  fixture?.cleanup();
  client = undefined;
  sidecar = undefined;
  laravel = undefined;
  fixture = undefined;
});

async function startSidecarFromEnv(root: string): Promise<number> {
  const loaded = loadConfig({ cwd: root, env: {}, flags: { port: 0, metricsPort: 0 } });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  expect(loaded.value.devCredentials).toBe(false);
  sidecar = createSidecar({ loaded: loaded.value, logger: createLogger({ level: 'silent', format: 'json' }) });
  return (await sidecar.listen()).port;
}

/** The PHP side: pusher-php configured from config/broadcasting.php, i.e. from these env keys. */
function laravelPublisher(envText: string, prefix: 'REVERB' | 'PUSHER'): Pusher {
  const env = parseDotenv(envText);
  return new Pusher({
    appId: env[`${prefix}_APP_ID`]!,
    key: env[`${prefix}_APP_KEY`]!,
    secret: env[`${prefix}_APP_SECRET`]!,
    host: env[`${prefix}_HOST`]!,
    port: env[`${prefix}_PORT`]!,
    useTLS: env[`${prefix}_SCHEME`] === 'https',
  });
}

/**
 * A stand-in for a Laravel controller that does `broadcast(new OrderShipped)->toOthers()` and then
 * `broadcast(new OrderStatus)`: the first excludes the socket named by X-Socket-ID.
 */
async function startLaravel(publisher: Pusher): Promise<number> {
  laravel = createServer((req, res) => {
    const socket = req.headers['x-socket-id'];
    void (async () => {
      await publisher.trigger('orders', 'App\\Events\\OrderShipped', { id: 7, socket }, typeof socket === 'string' ? { socket_id: socket } : {});
      await publisher.trigger('orders', 'App\\Events\\OrderStatus', { id: 7, status: 'shipped' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ socket: socket ?? null }));
    })();
  });
  await new Promise<void>((resolve) => laravel!.listen(0, '127.0.0.1', resolve));
  return (laravel.address() as AddressInfo).port;
}

describe.each([
  { version: 11 as FixtureVersion, prefix: 'REVERB' as const },
  { version: 12 as FixtureVersion, prefix: 'REVERB' as const },
  { version: 10 as FixtureVersion, prefix: 'PUSHER' as const },
])('Laravel $version ($prefix connection): generated .env + Echo bootstrap against a running sidecar', ({ version, prefix }) => {
  it('receives an event published with the generated PHP-side credentials, and toOthers() skips the sender', async () => {
    fixture = createLaravelFixture({ version, frontEnd: 'plain' });
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);

    // The sidecar takes its app from the .env; then the installer is re-run with the port it
    // got, the way a user would move it (credentials are kept).
    const port = await startSidecarFromEnv(fixture.root);
    const rerun = await install(fixture.root, { yes: true, deps: false, host: '127.0.0.1', port, publicHost: '127.0.0.1', publicPort: port, scheme: 'http' });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('reused from .env');
    const envText = fixture.read('.env');

    const laravelPort = await startLaravel(laravelPublisher(envText, prefix));
    client = await startEchoClient(`${fixture.root}/resources/js`, 'app.js', viteEnv(envText));
    const { socketId } = await client.call<{ socketId: string }>('connected');
    await client.call('listen', { channel: 'orders', events: ['OrderShipped', 'OrderStatus'] });

    // Published straight from "PHP": delivered.
    await laravelPublisher(envText, prefix).trigger('orders', 'App\\Events\\OrderStatus', { id: 1, status: 'paid' });
    expect(await client.call('nextEvent')).toEqual({ channel: 'orders', event: 'OrderStatus', data: { id: 1, status: 'paid' } });

    // An axios request from the page: Laravel sees X-Socket-ID and the toOthers() event is not
    // echoed back; the plain broadcast that follows it is.
    const reply = await client.call<{ status: number; data: { socket: string } }>('axios', { url: `http://127.0.0.1:${laravelPort}/orders/7/ship` });
    expect(reply.data.socket).toBe(socketId);
    expect(await client.call('nextEvent')).toEqual({ channel: 'orders', event: 'OrderStatus', data: { id: 7, status: 'shipped' } });
  });
});

describe('--server-auth: the generated Echo config against the sidecar forwarding to Laravel', () => {
  it('joins private and presence channels with the browser cookie, Laravel asked by the sidecar', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'plain' });
    expect((await install(fixture.root, { yes: true, deps: false, serverAuth: true })).code).toBe(0);
    const credentials = parseDotenv(fixture.read('.env'));
    const users = { 'alice-session': { id: '1', name: 'Alice' } };
    const fakeLaravel = await startFakeLaravel({ key: credentials.REVERB_APP_KEY!, secret: credentials.REVERB_APP_SECRET!, users });

    // A first sidecar picks a free port; the installer is pointed at it and at "Laravel"; then
    // the sidecar restarts on that port as `serve` would: config from .env, the forwarder because
    // PUSHER_SIDECAR_AUTH_URL is set.
    const port = await startSidecarFromEnv(fixture.root);
    await install(fixture.root, {
      yes: true, deps: false, serverAuth: true, authUrl: fakeLaravel.authUrl,
      host: '127.0.0.1', port, publicHost: '127.0.0.1', publicPort: port, scheme: 'http',
    });
    await sidecar!.close();
    const loaded = loadConfig({ cwd: fixture.root, env: {}, flags: { port: 0, metricsPort: 0 } });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.value.config.authUrl).toBe(fakeLaravel.authUrl);
    const logger = createLogger({ level: 'silent', format: 'json' });
    forwarder = createLaravelAuthForwarder(loaded.value.config, logger);
    sidecar = createSidecar({ loaded: { ...loaded.value, config: { ...loaded.value.config, port } }, logger, authForwarder: forwarder });
    await sidecar.listen();

    const envText = fixture.read('.env');
    client = await startEchoClient(`${fixture.root}/resources/js`, 'app.js', viteEnv(envText), { cookie: 'laravel_session=alice-session' });
    await client.call('connected');
    await client.call('listen', { channel: 'orders.1', kind: 'private', events: ['OrderShipped'] });
    const { members } = await client.call<{ members: unknown[] }>('join', { channel: 'chat' });
    expect(members).toEqual([{ id: 1, name: 'Alice' }]);
    // Laravel was asked by the sidecar (with the cookie), never by the page.
    expect(fakeLaravel.requests.map((r) => [r.path, r.form.get('channel_name'), r.headers.cookie])).toEqual([
      ['/broadcasting/auth', 'private-orders.1', 'laravel_session=alice-session'],
      ['/broadcasting/auth', 'presence-chat', 'laravel_session=alice-session'],
    ]);

    await laravelPublisher(envText, 'REVERB').trigger('private-orders.1', 'App\\Events\\OrderShipped', { id: 1 });
    expect(await client.call('nextEvent')).toEqual({ channel: 'orders.1', event: 'OrderShipped', data: { id: 1 } });
  });
});
