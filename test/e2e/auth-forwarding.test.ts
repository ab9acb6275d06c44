/**
 * Server-side auth against a fake Laravel on port 0 that reads the session cookie, applies channel
 * rules, signs with the app secret and answers with Laravel's JSON (see helpers/fake-laravel.ts).
 */
import { describe, expect, it } from 'vitest';
import { createLaravelAuthForwarder } from '../../src/auth/laravel-auth-forwarder.js';
import type { Config } from '../../src/config/schema.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startFakeLaravel, type FakeLaravel } from '../helpers/fake-laravel.js';
import { SIDECAR_AUTH_OPTIONS, pusherClient } from '../helpers/pusher-client.js';
import { once, waitForState } from '../helpers/pusher-events.js';
import { rawClient, type RawClient } from '../helpers/raw-client.js';
import { DEFAULT_APP, startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

const ALICE = 'laravel_session=alice-session-7f3a; XSRF-TOKEN=eyJpdiI6Ikp4%3D%3D';
const BOB = 'laravel_session=bob-session-91c2';
const USERS = { 'alice-session-7f3a': { id: '1', name: 'Alice / Älva' }, 'bob-session-91c2': { id: '2', name: 'Bob' } };

interface Setup {
  laravel: FakeLaravel;
  server: TestSidecar;
}

async function setup(config: Partial<Config> = {}, now?: () => number): Promise<Setup> {
  const laravel = await startFakeLaravel({ key: DEFAULT_APP.key, secret: DEFAULT_APP.secret, users: USERS });
  const server = await startSidecar({ authUrl: laravel.authUrl, userAuthUrl: laravel.userAuthUrl, handshakeRate: 0, ...config }, {
    apps: [DEFAULT_APP],
    logLevel: 'debug',
    authForwarder: (logger, full) => createLaravelAuthForwarder(full, logger, now ? { now } : {}),
    ...(now ? { now } : {}),
  });
  return { laravel, server };
}

type SubscriptionError = { type: string; error: string; status: number };

async function subscribeRaw(server: TestSidecar, channel: string, cookie?: string): Promise<RawClient> {
  const client = rawClient(server.port, server.app.key, cookie ? { headers: { Cookie: cookie } } : {});
  await client.socketId();
  client.subscribe(channel, '');
  return client;
}

function outcome(client: RawClient, channel: string): Promise<'subscribed' | SubscriptionError> {
  return Promise.race([
    client.nextEvent('pusher_internal:subscription_succeeded', channel).then(() => 'subscribed' as const),
    client.nextEvent('pusher:subscription_error', channel).then((frame) => frame.data as SubscriptionError),
  ]);
}

describe('auth forwarding to Laravel', () => {
  it('authorizes a private channel with the browser cookie, as pusher-js would post it', async () => {
    const { laravel, server } = await setup();
    const pusher = pusherClient(server.port, server.app.key, { headers: { Cookie: ALICE, 'User-Agent': 'Mozilla/5.0 test', Origin: `http://127.0.0.1:${server.port}` }, ...SIDECAR_AUTH_OPTIONS });
    const channel = pusher.subscribe('private-orders.1');
    await once(channel, 'pusher:subscription_succeeded');

    expect(laravel.requests).toHaveLength(1);
    const request = laravel.requests[0]!;
    expect(request.path).toBe('/broadcasting/auth');
    expect(Object.fromEntries(request.form)).toEqual({ socket_id: pusher.connection.socket_id, channel_name: 'private-orders.1' });
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      cookie: ALICE,
      'x-xsrf-token': 'eyJpdiI6Ikp4==',
      'x-socket-id': pusher.connection.socket_id,
      'user-agent': 'Mozilla/5.0 test',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': `127.0.0.1:${server.port}`,
      'x-forwarded-proto': 'http',
    });

    const delivered = once<{ id: number }>(channel, 'OrderShipped');
    await server.api().trigger('private-orders.1', 'OrderShipped', { id: 7 });
    expect(await delivered).toEqual({ id: 7 });
  });

  it("answers Laravel's 403 for strangers with a channel-scoped subscription_error and keeps the connection", async () => {
    const { server } = await setup();
    const stranger = pusherClient(server.port, server.app.key, SIDECAR_AUTH_OPTIONS);
    const refused = once<SubscriptionError>(stranger.subscribe('private-orders.1'), 'pusher:subscription_error');
    expect(await refused).toMatchObject({ type: 'AuthError', status: 403 });

    const bob = await subscribeRaw(server, 'private-orders.1', BOB);
    expect(await outcome(bob, 'private-orders.1')).toMatchObject({ status: 403 });
    bob.subscribe('private-orders.2', '');
    expect(await outcome(bob, 'private-orders.2')).toBe('subscribed');
    expect(stranger.connection.state).toBe('connected');
    expect(server.rejections.map((r) => [r.entry.id, r.channel])).toEqual([
      ['subscription_forbidden', 'private-orders.1'], ['subscription_forbidden', 'private-orders.1'],
    ]);
  });

  it("joins presence channels with Laravel's channel_data, and members see each other come and go", async () => {
    const { server } = await setup();
    const alice = pusherClient(server.port, server.app.key, { headers: { Cookie: ALICE }, ...SIDECAR_AUTH_OPTIONS });
    const aliceChat = alice.subscribe('presence-chat') as ReturnType<typeof alice.subscribe> & { members: { count: number; each(cb: (m: { id: string; info: unknown }) => void): void } };
    await once(aliceChat, 'pusher:subscription_succeeded');
    const joined = once<{ id: string; info: unknown }>(aliceChat, 'pusher:member_added');

    const bob = pusherClient(server.port, server.app.key, { headers: { Cookie: BOB }, ...SIDECAR_AUTH_OPTIONS });
    const bobChat = bob.subscribe('presence-chat') as typeof aliceChat;
    await once(bobChat, 'pusher:subscription_succeeded');
    const seenByBob: Array<{ id: string; info: unknown }> = [];
    bobChat.members.each((member) => seenByBob.push(member));
    // Laravel's json_encode escapes "/" and non-ASCII; the signature only verifies if the sidecar keeps its bytes.
    expect(seenByBob).toEqual(expect.arrayContaining([{ id: '1', info: { id: 1, name: 'Alice / Älva' } }, { id: '2', info: { id: 2, name: 'Bob' } }]));
    expect(await joined).toEqual({ id: '2', info: { id: 2, name: 'Bob' } });

    const left = once<{ id: string }>(aliceChat, 'pusher:member_removed');
    bob.disconnect();
    expect((await left).id).toBe('2');
  });

  it('signs a user in through --user-auth-url', async () => {
    const { laravel, server } = await setup();
    const alice = pusherClient(server.port, server.app.key, { headers: { Cookie: ALICE }, ...SIDECAR_AUTH_OPTIONS });
    await waitForState(alice, 'connected');
    alice.signin();
    await (alice.user as unknown as { signinDonePromise: Promise<void> }).signinDonePromise;
    expect(alice.user.user_data).toEqual({ id: '1', user_info: { name: 'Alice / Älva' } });
    expect(laravel.requests.map((r) => [r.path, r.form.toString(), r.headers.cookie])).toEqual([
      ['/broadcasting/user-auth', `socket_id=${alice.connection.socket_id}`, ALICE],
    ]);
  });

  it('signs in a client that sends an empty auth and no user_data, taking user_data from Laravel', async () => {
    const { laravel, server } = await setup();
    // What Echo set up for server-side sign-in sends: pusher-js drops the undefined user_data.
    const alice = pusherClient(server.port, server.app.key, {
      headers: { Cookie: ALICE },
      ...SIDECAR_AUTH_OPTIONS,
      userAuthentication: { customHandler: (_params, callback) => callback(null, { auth: '' } as never) },
    });
    await waitForState(alice, 'connected');
    alice.signin();
    await (alice.user as unknown as { signinDonePromise: Promise<void> }).signinDonePromise;
    expect(alice.user.user_data).toEqual({ id: '1', user_info: { name: 'Alice / Älva' } });
    expect(laravel.requests.map((r) => r.path)).toEqual(['/broadcasting/user-auth']);
  });

  it('leaves clients that sign through Laravel themselves (the standard pusher-js flow) alone', async () => {
    const { laravel, server } = await setup();
    const pusher = pusherClient(server.port, server.app.key, {
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          fetch(laravel.authUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: ALICE, 'X-From': 'browser' },
            body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }),
          }).then((res) => res.json()).then((data) => callback(null, data as { auth: string }), (err: Error) => callback(err, null));
        },
      },
    });
    await once(pusher.subscribe('private-orders.1'), 'pusher:subscription_succeeded');
    expect(laravel.requests.map((r) => r.headers['x-from'])).toEqual(['browser']);
  });

  it('rejects a reply signed with another secret (401) and malformed or oversized replies (502)', async () => {
    const { laravel, server } = await setup({ maxAuthBody: 1024 });
    const client = await subscribeRaw(server, 'private-orders.1', ALICE);
    laravel.mode = 'forge';
    expect(await outcome(client, 'private-orders.1')).toMatchObject({ status: 401 });
    for (const [mode, channel] of [['html', 'private-room-1'], ['no-auth', 'private-room-2'], ['huge', 'private-room-3']] as const) {
      laravel.mode = mode;
      client.subscribe(channel, '');
      expect(await outcome(client, channel), mode).toMatchObject({ status: 502 });
    }
    laravel.mode = 'normal';
    client.subscribe('private-room-4', '');
    expect(await outcome(client, 'private-room-4')).toBe('subscribed');
    expect(server.rejections.map((r) => r.entry.id)).toEqual(['subscription_bad_signature', 'auth_bad_reply', 'auth_bad_reply', 'auth_bad_reply']);
  });

  it('answers 503 when Laravel does not reply within --auth-timeout', async () => {
    const { laravel, server } = await setup({ authTimeout: 100 });
    laravel.mode = 'hang';
    const client = await subscribeRaw(server, 'private-orders.1', ALICE);
    expect(await outcome(client, 'private-orders.1')).toMatchObject({ type: 'AuthUnavailable', status: 503, error: expect.stringContaining('--auth-timeout') });
  });

  it('never lets a slow Laravel see more than --max-concurrent-auth requests during a 500-socket reconnect storm', async () => {
    const { laravel, server } = await setup({ maxConcurrentAuth: 8, authQueueSize: 1000 });
    laravel.latencyMs = 2;
    const clients = Array.from({ length: 500 }, () => rawClient(server.port, server.app.key, { headers: { Cookie: ALICE } }));
    await Promise.all(clients.map((c) => c.socketId()));
    for (const client of clients) client.subscribe('private-orders.1', '');
    const results = await Promise.all(clients.map((c) => outcome(c, 'private-orders.1')));
    expect(results.every((r) => r === 'subscribed')).toBe(true);
    expect(laravel.requests).toHaveLength(500);
    expect(laravel.maxInFlight).toBeLessThanOrEqual(8);
    expect(laravel.maxInFlight).toBeGreaterThan(1);
  });

  it('fails fast with 503 while Laravel is down and recovers when it is back', async () => {
    const clock = createFakeClock();
    const { laravel, server } = await setup({ authCircuitThreshold: 3, authCircuitCooldown: 5000 }, clock.now);
    laravel.mode = 'down';
    const pusher = pusherClient(server.port, server.app.key, { headers: { Cookie: ALICE }, ...SIDECAR_AUTH_OPTIONS });
    for (let i = 1; i <= 3; i++) {
      const error = await once<SubscriptionError>(pusher.subscribe(`private-room-${i}`), 'pusher:subscription_error');
      expect(error).toMatchObject({ type: 'AuthUnavailable', status: 503, error: expect.stringContaining('unreachable') });
    }
    const fast = await once<SubscriptionError>(pusher.subscribe('private-room-4'), 'pusher:subscription_error');
    expect(fast).toMatchObject({ status: 503, error: expect.stringContaining('circuit breaker') });
    expect(laravel.requests).toHaveLength(3);
    expect(pusher.connection.state).toBe('connected');

    laravel.mode = 'normal';
    await once(pusher.subscribe('private-room-5'), 'pusher:subscription_error');
    expect(laravel.requests).toHaveLength(3);
    clock.advance(5000);
    await once(pusher.subscribe('private-room-6'), 'pusher:subscription_succeeded');
    await once(pusher.subscribe('private-room-7'), 'pusher:subscription_succeeded');
    expect(laravel.requests).toHaveLength(5);
    const lines = server.logs.map((l) => l.msg);
    expect(lines).toContain('Laravel auth endpoint is failing: answering 503 at once until it recovers');
    expect(lines).toContain('Laravel auth endpoint recovered');
  });

  it('says why a server-side sign-in failed: never "refused" when Laravel was not asked or not reachable', async () => {
    const { laravel, server } = await setup({ maxAuthPerConnection: 1 });
    laravel.hold = true;
    const busy = await subscribeRaw(server, 'private-orders.1', ALICE);
    await laravel.waitForRequests(1);
    // The pending channel auth fills this connection's one slot: the sign-in is never sent.
    busy.send({ event: 'pusher:signin', data: { auth: '' } });
    const pending = (await busy.nextEvent('pusher:error')).data as { code: number; message: string };
    expect(pending.code).toBe(4310);
    expect(pending.message).toMatch(/^Sign-in failed: Too many auth requests pending for this connection \(429\): This connection already has 1 auth requests waiting/);
    expect(laravel.requests.map((r) => r.path)).toEqual(['/broadcasting/auth']);

    laravel.mode = 'down';
    const other = rawClient(server.port, server.app.key, { headers: { Cookie: BOB } });
    await other.socketId();
    other.send({ event: 'pusher:signin', data: { auth: '' } });
    const down = (await other.nextEvent('pusher:error')).data as { code: number; message: string };
    expect(down).toMatchObject({ code: 4310, message: expect.stringMatching(/^Sign-in failed: Auth endpoint unavailable \(503\): Laravel auth endpoint unreachable/) });

    laravel.mode = 'normal';
    laravel.hold = false;
    // No session cookie: Laravel itself refuses (its broadcasting auth answers 403).
    const refused = rawClient(server.port, server.app.key);
    await refused.socketId();
    refused.send({ event: 'pusher:signin', data: { auth: '' } });
    expect(((await refused.nextEvent('pusher:error')).data as { message: string }).message).toBe('Sign-in failed: Forbidden by the auth endpoint (403): Laravel answered 403: it refused this user (routes/channels.php, or no logged-in user)');
    // Counted and logged under what happened; the client always got 4310.
    expect(server.rejections.map((r) => r.entry.id)).toEqual(['auth_too_many_pending', 'auth_unavailable', 'subscription_forbidden']);
    laravel.releaseHeld();
  });

  it('counts a channel waiting on Laravel as subscribed, and an unsubscribe meanwhile cancels it', async () => {
    // The pending set is made on a socket's first forwarded auth: it must still answer 4306 and
    // --max-channels-per-connection, and forget the channel on unsubscribe.
    const { laravel, server } = await setup({ maxChannelsPerConnection: 2 });
    const { observers } = server.sidecar.hub;
    const answered = new Promise<void>((resolve) => observers.add({ trace: (event) => event.kind === 'auth_forward' && resolve() }));
    observers.tracing = true;
    laravel.hold = true;
    const client = await subscribeRaw(server, 'private-orders.1', ALICE);
    await laravel.waitForRequests(1);
    client.subscribe('private-orders.1', '');
    expect(((await client.nextEvent('pusher:error')).data as { code: number }).code).toBe(4306);
    client.subscribe('news');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'news');
    client.subscribe('more-news');
    await client.next((f) => f.event === 'pusher:error' && (f.data as { code: number }).code === 4311);

    client.send({ event: 'pusher:unsubscribe', data: { channel: 'private-orders.1' } });
    laravel.releaseHeld();
    // Laravel's answer is read, then dropped: the socket is left with its one channel.
    await answered;
    client.subscribe('even-more-news');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'even-more-news');
    client.send({ event: 'pusher:ping', data: {} });
    await client.nextEvent('pusher:pong');
    expect(client.frames.filter((f) => f.channel === 'private-orders.1').map((f) => f.event)).toEqual([]);
    expect(server.sidecar.hub.state(server.app).channels.has('private-orders.1')).toBe(false);
  });

  it('never writes a cookie, token or secret to the logs', async () => {
    const { laravel, server } = await setup();
    const alice = await subscribeRaw(server, 'private-orders.1', `${ALICE}; remember_web=r3m3mb3r`);
    await outcome(alice, 'private-orders.1');
    alice.subscribe('private-orders.2', '');
    await outcome(alice, 'private-orders.2');
    const bearer = rawClient(server.port, server.app.key, { headers: { Authorization: 'Bearer t0p-s3cr3t-t0k3n', Cookie: ALICE } });
    await bearer.socketId();
    laravel.mode = 'error-500';
    bearer.subscribe('private-orders.1', '');
    await outcome(bearer, 'private-orders.1');
    laravel.mode = 'forge';
    bearer.subscribe('presence-chat', '');
    await outcome(bearer, 'presence-chat');

    const text = server.logText();
    expect(server.logs.filter((l) => l.reason !== undefined).length).toBeGreaterThanOrEqual(3);
    for (const secret of ['alice-session-7f3a', 'eyJpdiI6', 'r3m3mb3r', 't0p-s3cr3t-t0k3n', DEFAULT_APP.secret]) expect(text).not.toContain(secret);
  });
});
