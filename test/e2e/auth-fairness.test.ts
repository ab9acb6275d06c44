/**
 * Issue 11 items 3 and 9 against the running server and a fake Laravel on port 0 whose replies the
 * test holds and releases (helpers/fake-laravel.ts): one socket cannot starve other browsers'
 * forwarded auth, and Laravel never gets a client-chosen X-Forwarded-Host.
 */
import { describe, expect, it } from 'vitest';
import { createLaravelAuthForwarder } from '../../src/auth/laravel-auth-forwarder.js';
import type { Config } from '../../src/config/schema.js';
import { startFakeLaravel, type FakeLaravel } from '../helpers/fake-laravel.js';
import { SIDECAR_AUTH_OPTIONS, pusherClient } from '../helpers/pusher-client.js';
import { once } from '../helpers/pusher-events.js';
import { rawClient, type RawClient, type RawClientOptions } from '../helpers/raw-client.js';
import { DEFAULT_APP, startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

const ALICE = 'laravel_session=alice-session-7f3a';
const BOB = 'laravel_session=bob-session-91c2';
const USERS = { 'alice-session-7f3a': { id: '1', name: 'Alice' }, 'bob-session-91c2': { id: '2', name: 'Bob' } };

type SubscriptionError = { type: string; error: string; status: number };

async function setup(config: Partial<Config> = {}): Promise<{ laravel: FakeLaravel; server: TestSidecar }> {
  const laravel = await startFakeLaravel({ key: DEFAULT_APP.key, secret: DEFAULT_APP.secret, users: USERS });
  const server = await startSidecar({ authUrl: laravel.authUrl, userAuthUrl: laravel.userAuthUrl, ...config }, {
    apps: [DEFAULT_APP],
    authForwarder: (logger, full) => createLaravelAuthForwarder(full, logger),
  });
  return { laravel, server };
}

async function connect(server: TestSidecar, options: RawClientOptions): Promise<RawClient> {
  const client = rawClient(server.port, server.app.key, options);
  await client.socketId();
  return client;
}

function outcome(client: RawClient, channel: string): Promise<'subscribed' | SubscriptionError> {
  return Promise.race([
    client.nextEvent('pusher_internal:subscription_succeeded', channel).then(() => 'subscribed' as const),
    client.nextEvent('pusher:subscription_error', channel).then((frame) => frame.data as SubscriptionError),
  ]);
}

describe('fair forwarded auth', () => {
  it('serves a browser on another IP before a noisy socket\'s backlog, and never answers it 503', async () => {
    const { laravel, server } = await setup({ maxConcurrentAuth: 2, authQueueSize: 10 });
    laravel.hold = true;
    const noisy = await connect(server, { headers: { Cookie: ALICE } });
    const quiet = await connect(server, { headers: { Cookie: BOB }, localAddress: '127.0.0.2' });

    const rooms = Array.from({ length: 20 }, (_, i) => `private-room-${i + 1}`);
    const noisyOutcomes = rooms.map((room) => outcome(noisy, room));
    for (const room of rooms) noisy.subscribe(room, '');
    await laravel.waitForRequests(2);
    // 2 in flight, 10 waiting: the other 8 are the noisy socket's own overflow.
    await noisy.waitForCount('pusher:subscription_error', 8);
    expect(noisy.frames.filter((f) => f.event === 'pusher:subscription_error').map((f) => (f.data as SubscriptionError).status)).toEqual(Array(8).fill(503));

    const quietOutcome = outcome(quiet, 'private-orders.2');
    quiet.subscribe('private-orders.2', '');
    // The queue is full: the quiet socket takes the place of the noisy one's newest waiter.
    expect(await noisyOutcomes[11]!).toMatchObject({ status: 429, type: 'AuthError', error: expect.stringContaining('had the most requests waiting') });

    expect(laravel.releaseHeld(1)).toBe(1);
    await laravel.waitForRequests(3);
    expect(laravel.requests[2]!.form.get('channel_name')).toBe('private-orders.2');
    laravel.hold = false;
    laravel.releaseHeld();
    expect(await quietOutcome).toBe('subscribed');

    const results = await Promise.all(noisyOutcomes);
    expect(results.filter((r) => r === 'subscribed')).toHaveLength(11);
    expect(laravel.requests).toHaveLength(12);
    expect(server.rejections.map((r) => r.entry.id).sort()).toEqual(['auth_too_many_pending', ...Array<string>(8).fill('auth_unavailable')]);
  });

  it('refuses auths over --max-auth-per-connection with subscription_error 429, and the socket\'s others go through', async () => {
    const { laravel, server } = await setup({ maxAuthPerConnection: 3 });
    laravel.hold = true;
    const pusher = pusherClient(server.port, server.app.key, { headers: { Cookie: ALICE }, ...SIDECAR_AUTH_OPTIONS });
    const channels = [1, 2, 3].map((i) => pusher.subscribe(`private-room-${i}`));
    await laravel.waitForRequests(3);
    const refused = await once<SubscriptionError>(pusher.subscribe('private-room-4'), 'pusher:subscription_error');
    expect(refused).toMatchObject({ status: 429, type: 'AuthError', error: expect.stringContaining('--max-auth-per-connection') });
    expect(server.rejections.map((r) => [r.entry.id, r.entry.code, r.channel])).toEqual([['auth_too_many_pending', 429, 'private-room-4']]);

    // Another browser is not affected by this socket's bound.
    const bob = await connect(server, { headers: { Cookie: BOB }, localAddress: '127.0.0.3' });
    const bobOutcome = outcome(bob, 'private-orders.2');
    bob.subscribe('private-orders.2', '');
    laravel.hold = false;
    laravel.releaseHeld();
    await Promise.all(channels.map((channel) => once(channel, 'pusher:subscription_succeeded')));
    expect(await bobOutcome).toBe('subscribed');
    expect(laravel.requests).toHaveLength(4);
  });

  it('bounds the auths of one client IP with --max-auth-per-ip', async () => {
    const { laravel, server } = await setup({ maxAuthPerIp: 2 });
    laravel.hold = true;
    const first = await connect(server, { headers: { Cookie: ALICE } });
    const second = await connect(server, { headers: { Cookie: ALICE } });
    first.subscribe('private-room-1', '');
    second.subscribe('private-room-2', '');
    await laravel.waitForRequests(2);
    second.subscribe('private-room-3', '');
    expect(await outcome(second, 'private-room-3')).toMatchObject({ status: 429, error: expect.stringContaining('--max-auth-per-ip') });
    laravel.hold = false;
    laravel.releaseHeld();
    expect(await outcome(first, 'private-room-1')).toBe('subscribed');
    expect(await outcome(second, 'private-room-2')).toBe('subscribed');
  });
});

describe('forwarded headers Laravel trusts', () => {
  it('sends no X-Forwarded-Host, and no X-Forwarded-* of the client\'s, when the peer is outside --trust-proxy', async () => {
    const { laravel, server } = await setup({ trustProxy: ['10.0.0.0/8'] });
    const client = await connect(server, {
      headers: { Cookie: ALICE, Host: 'evil.test', 'X-Forwarded-Host': 'spoofed.test', 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https' },
    });
    client.subscribe('private-room-1', '');
    expect(await outcome(client, 'private-room-1')).toBe('subscribed');
    const { headers } = laravel.requests[0]!;
    expect(headers).not.toHaveProperty('x-forwarded-host');
    expect(headers).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', host: new URL(laravel.authUrl).host });
    expect(JSON.stringify(headers)).not.toMatch(/evil\.test|spoofed\.test|6\.6\.6\.6/);
  });

  it('passes on the host, scheme and client IP a trusted proxy vouched for', async () => {
    const { laravel, server } = await setup();
    const client = await connect(server, {
      headers: { Cookie: ALICE, 'X-Forwarded-Host': 'app.test', 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' },
    });
    client.subscribe('private-room-1', '');
    expect(await outcome(client, 'private-room-1')).toBe('subscribed');
    expect(laravel.requests[0]!.headers).toMatchObject({ 'x-forwarded-host': 'app.test', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
  });
});
