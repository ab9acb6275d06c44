import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { createLaravelAuthForwarder } from '../../src/auth/laravel-auth-forwarder.js';
import type { TraceEvent } from '../../src/observers.js';
import { openConsoleStream, startConsoleSidecar } from '../helpers/debug-console.js';
import { rawClient } from '../helpers/raw-client.js';
import { silentLogger } from '../helpers/capture-logger.js';
import { startFakeLaravel } from '../helpers/fake-laravel.js';
import { channelAuth } from '../helpers/signing.js';
import { DEFAULT_APP } from '../helpers/start-sidecar.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

describe('debug console stream', () => {
  it('streams connection, subscription, publish and close entries with app, socket id, ip, channel and node', async () => {
    const server = await startConsoleSidecar();
    const stream = await openConsoleStream(server.consoleUrl);
    const hello = await stream.nextEvent('hello');
    expect(hello.data).toMatchObject({ node: 'node-a', apps: ['test-app'] });

    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    client.subscribe('orders');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'orders');
    const opened = await stream.entry((e) => e.kind === 'connection' && e.socketId === socketId);
    expect(opened).toMatchObject({ text: 'opened', app: 'test-app', ip: '127.0.0.1', node: 'node-a' });
    expect(await stream.entry((e) => e.kind === 'subscription' && e.socketId === socketId)).toMatchObject({ text: 'subscribed', channel: 'orders', ip: '127.0.0.1' });

    await server.api().trigger('orders', 'shipped', { id: 1, note: 'x'.repeat(500) }, { socket_id: '1.2' });
    const published = await stream.entry((e) => e.kind === 'api');
    expect(published).toMatchObject({ channel: 'orders', event: 'shipped', socketId: '1.2', app: 'test-app' });
    expect(published.text).toContain('except 1.2');
    expect(String(published.data).length).toBeLessThan(260);
    expect(String(published.data)).toContain('(');

    client.ws.close(1000);
    expect(await stream.entry((e) => e.kind === 'connection' && e.socketId === socketId && e.code === 1000)).toMatchObject({ text: 'closed 1000' });
    const now = (await stream.nextEvent('now')).data as Record<string, unknown>;
    expect(now).toHaveProperty('connections');

    // Laravel with the wrong secret: its publish is refused, and the console says why.
    const wrongSecret = new Pusher({ appId: server.app.id, key: server.app.key, secret: 'wrong-secret', host: '127.0.0.1', port: String(server.port), useTLS: false });
    await expect(wrongSecret.trigger('orders', 'e', {})).rejects.toThrow();
    const refused = await stream.entry((e) => e.kind === 'rejection' && e.code === 401);
    expect(refused).toMatchObject({ reason: 'http_bad_signature', ip: '127.0.0.1' });
    expect(refused.text).toContain('HTTP API events answered 401');
    expect(refused.fix).toBeTruthy();
    expect(stream.text()).not.toContain('wrong-secret');
  });

  it('shows a rejection with its code and the catalogue fix, and keeps it for a console opened later', async () => {
    const server = await startConsoleSidecar({ allowedOrigins: ['https://app.example'] });
    const refused = rawClient(server.port, server.app.key, { origin: 'https://evil.example' });
    expect((await refused.closed).code).toBe(4009);
    const stream = await openConsoleStream(server.consoleUrl);
    const entry = await stream.entry((e) => e.kind === 'rejection');
    expect(entry).toMatchObject({ code: 4009, reason: 'origin_not_allowed', ip: '127.0.0.1' });
    expect(entry.fix).toContain('--allowed-origins');
  });

  it('never shows secrets, signatures or cookies', async () => {
    const server = await startConsoleSidecar();
    const stream = await openConsoleStream(server.consoleUrl);
    const client = rawClient(server.port, server.app.key, { headers: { cookie: 'laravel_session=SESSION-COOKIE-VALUE' } });
    const socketId = await client.socketId();
    const good = channelAuth(server.app.key, server.app.secret, socketId, 'private-room');
    client.subscribe('private-room', good);
    await client.nextEvent('pusher_internal:subscription_succeeded', 'private-room');
    const forged = channelAuth(server.app.key, 'not-the-secret', socketId, 'private-other');
    client.subscribe('private-other', forged);
    await stream.entry((e) => e.kind === 'rejection' && e.channel === 'private-other');
    client.send({ event: 'client-typing', channel: 'private-room', data: { note: `signed ${good}` } });
    await stream.entry((e) => e.kind === 'client_event');
    await server.api().trigger('private-room', 'leak', { auth: good });
    await stream.entry((e) => e.kind === 'api');
    const text = stream.text();
    expect(text).not.toContain(server.app.secret);
    expect(text).not.toContain('SESSION-COOKIE-VALUE');
    expect(text).not.toContain(good.split(':')[1]);
    expect(text).not.toContain(forged.split(':')[1]);
    expect(text).toContain('[signature]');
  });

  it('builds no trace event while no console is open, and stops when the last one closes', async () => {
    const traces: TraceEvent[] = [];
    const server = await startConsoleSidecar({}, { observers: [{ trace: (event) => traces.push(event) }] });
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    client.subscribe('quiet');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'quiet');
    await server.api().trigger('quiet', 'e', '1');
    expect(server.sidecar.hub.observers.tracing).toBe(false);
    expect(traces).toEqual([]);

    const stream = await openConsoleStream(server.consoleUrl);
    await stream.nextEvent('hello');
    expect(server.sidecar.hub.observers.tracing).toBe(true);
    await server.api().trigger('quiet', 'e', '2');
    await stream.entry((e) => e.kind === 'api');
    expect(traces.map((t) => t.kind)).toEqual(['api_publish']);

    stream.close();
    await expect.poll(() => server.console.openConsoles).toBe(0);
    expect(server.sidecar.hub.observers.tracing).toBe(false);
  });
});

describe('debug console access', () => {
  it('refuses the stream, the test event and doctor without the token, and takes the right one', async () => {
    const server = await startConsoleSidecar({ dashboardToken: 'let-me-in' });
    const page = await fetch(`${server.consoleUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('let-me-in');
    for (const [path, init] of [
      ['/console/api/stream', {}],
      ['/console/api/doctor', {}],
      ['/console/api/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
    ] as const) {
      const res = await fetch(`${server.consoleUrl}${path}`, init);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ code: 401, error: expect.stringContaining('--dashboard-token') });
    }
    const wrong = await fetch(`${server.consoleUrl}/console/api/stream`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const stream = await openConsoleStream(server.consoleUrl, 'let-me-in');
    await stream.nextEvent('hello');
  });

  it('without a token, answers only requests addressed to an IP or localhost, and a test event only as same-origin JSON', async () => {
    const server = await startConsoleSidecar();
    const { request } = await import('node:http');
    const status = (headers: Record<string, string>, method = 'GET', path = '/console/api/doctor', body?: string) => new Promise<number>((resolve, reject) => {
      const req = request(`${server.consoleUrl}${path}`, { method, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(await status({ host: 'rebound.example:80' })).toBe(403);
    const form = { app: 'test-app', channel: 'x', event: 'e', data: '{}' };
    expect(await status({ 'content-type': 'text/plain' }, 'POST', '/console/api/send', JSON.stringify(form))).toBe(400);
    expect(await status({ 'content-type': 'application/json', origin: 'https://evil.example' }, 'POST', '/console/api/send', JSON.stringify(form))).toBe(403);
    expect(await status({ 'content-type': 'application/json' }, 'POST', '/console/api/send', JSON.stringify(form))).toBe(200);
  });
});

describe('debug console test event', () => {
  it('publishes through the HTTP API path to a real subscriber and logs the result; bad input gets {error, code}', async () => {
    const server = await startConsoleSidecar();
    const stream = await openConsoleStream(server.consoleUrl);
    const subscriber = rawClient(server.port, server.app.key);
    await subscriber.socketId();
    subscriber.subscribe('orders');
    await subscriber.nextEvent('pusher_internal:subscription_succeeded', 'orders');
    const send = (body: unknown) => fetch(`${server.consoleUrl}/console/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await send({ app: 'test-app', channel: 'orders', event: 'from-console', data: '{"n":1}' });
    expect(res.status).toBe(200);
    expect((await subscriber.nextEvent('from-console')).data).toEqual({ n: 1 });
    await stream.entry((e) => e.kind === 'console' && String(e.text).includes('from-console'));
    await stream.entry((e) => e.kind === 'api' && e.event === 'from-console');

    const bad = await send({ app: 'test-app', channel: 'has space', event: 'e', data: '{}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 400, error: expect.stringContaining('invalid channel name') });
    expect((await send({ app: 'test-app', channel: 'x', event: 'e', data: '{nope' })).status).toBe(400);
    expect((await send({ app: 'nope', channel: 'x', event: 'e', data: '{}' })).status).toBe(404);
    await stream.entry((e) => e.kind === 'console' && String(e.text).includes('refused: 400'));
  });
});

describe('debug console: auth forwards, sign-in, unsubscribe and webhooks', () => {
  it('shows each with its status, latency or result', async () => {
    const laravel = await startFakeLaravel({ key: DEFAULT_APP.key, secret: DEFAULT_APP.secret, users: { 'alice-session': { id: '1', name: 'Alice' } } });
    const receiver = await startWebhookReceiver((n) => (n === 0 ? 200 : 410));
    const app: App = { ...DEFAULT_APP, webhooks: [{ url: receiver.url, events: ['channel_occupied', 'channel_vacated'] }] };
    const server = await startConsoleSidecar({ authUrl: laravel.authUrl, userAuthUrl: laravel.userAuthUrl }, {
      apps: [app],
      authForwarder: (logger, full) => createLaravelAuthForwarder(full, logger),
      webhooks: { apps: [app], logger: silentLogger(), batchMs: 0, vacateDelayMs: 0, maxAgeMs: 10_000, queueSize: 100, timeoutMs: 1000, retryBaseMs: 5 },
    });
    const stream = await openConsoleStream(server.consoleUrl);
    await stream.nextEvent('hello');

    const alice = rawClient(server.port, app.key, { headers: { cookie: 'laravel_session=alice-session' } });
    const socketId = await alice.socketId();
    alice.subscribe('private-orders.1', '');
    await alice.nextEvent('pusher_internal:subscription_succeeded', 'private-orders.1');
    const auth = await stream.entry((e) => e.kind === 'auth' && e.socketId === socketId);
    expect(auth).toMatchObject({ status: 200, channel: 'private-orders.1', app: app.id, ip: '127.0.0.1' });
    expect(auth.text).toMatch(/channel auth forwarded to Laravel: 200 in \d+ ms/);

    alice.send({ event: 'pusher:signin', data: { auth: '', user_data: '' } });
    await alice.nextEvent('pusher:signin_success');
    expect(await stream.entry((e) => e.kind === 'signin' && e.socketId === socketId)).toMatchObject({ text: 'signed in as user 1' });
    await stream.entry((e) => e.kind === 'auth' && e.socketId === socketId && String(e.text).startsWith('user auth'));

    const guest = rawClient(server.port, app.key);
    const guestId = await guest.socketId();
    guest.subscribe('private-orders.1', '');
    await guest.nextEvent('pusher:subscription_error', 'private-orders.1');
    expect(await stream.entry((e) => e.kind === 'auth' && e.socketId === guestId)).toMatchObject({ status: 403 });
    expect(await stream.entry((e) => e.kind === 'rejection' && e.socketId === guestId)).toMatchObject({ code: 403, channel: 'private-orders.1' });

    await stream.entry((e) => e.kind === 'webhook' && String(e.text).startsWith('webhook sent'));
    alice.send({ event: 'pusher:unsubscribe', data: { channel: 'private-orders.1' } });
    expect(await stream.entry((e) => e.kind === 'subscription' && e.text === 'unsubscribed')).toMatchObject({ socketId, channel: 'private-orders.1' });
    expect(await stream.entry((e) => e.kind === 'webhook' && String(e.text).includes('failed'))).toMatchObject({ app: app.id });
    expect(stream.text()).not.toContain('alice-session');
  });
});

describe('debug console Now', () => {
  it('lists channels with subscriber counts and presence members, and rejections per second by code', async () => {
    const server = await startConsoleSidecar({ clientEventRate: 1 });
    const stream = await openConsoleStream(server.consoleUrl);
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    const channelData = JSON.stringify({ user_id: '7', user_info: { name: 'Seven' } });
    client.subscribe('presence-room', channelAuth(server.app.key, server.app.secret, socketId, 'presence-room', channelData), channelData);
    await client.nextEvent('pusher_internal:subscription_succeeded', 'presence-room');
    for (let i = 0; i < 3; i++) client.send({ event: 'client-x', channel: 'presence-room', data: {} });
    await stream.entry((e) => e.code === 4301);
    const sample = async () => (await stream.nextEvent('now')).data as { channelList: unknown[]; rejectionsPerSecond: Record<string, number>; connections: number };
    let now = await sample();
    // The first sample after the rejections may predate them; the next one has them.
    if (!now.rejectionsPerSecond['4301']) now = await sample();
    expect(now.channelList).toEqual([{ app: 'test-app', name: 'presence-room', subscribers: 1, memberCount: 1, members: ['7'] }]);
    expect(now.connections).toBe(1);
    expect(now.rejectionsPerSecond['4301']).toBeGreaterThan(0);
  });
});
