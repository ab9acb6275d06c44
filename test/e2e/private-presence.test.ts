import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type Pusher from 'pusher';
import { connected, disconnectAll, nextEvent, pusherClient, rawClient, type PusherClient } from '../helpers/clients.js';
import { channelAuth } from '../helpers/signing.js';
import { startSidecar, stopAll, type TestSidecar } from '../helpers/start-sidecar.js';

afterEach(async () => {
  disconnectAll();
  await stopAll();
});

/** pusher-js wired to sign through the `pusher` SDK, as Laravel's /broadcasting/auth does. */
function authedClient(server: TestSidecar, sdk: Pusher, user?: { id: string; info?: Record<string, unknown> }): PusherClient {
  return pusherClient(server.port, server.app.key, {
    channelAuthorization: {
      customHandler: ({ socketId, channelName }: { socketId: string; channelName: string }, callback: (e: Error | null, d: unknown) => void) => {
        const presence = channelName.startsWith('presence-') && user ? { user_id: user.id, user_info: user.info ?? {} } : undefined;
        callback(null, sdk.authorizeChannel(socketId, channelName, presence));
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }: { socketId: string }, callback: (e: Error | null, d: unknown) => void) => {
        callback(null, sdk.authenticateUser(socketId, { id: user?.id ?? 'anon', user_info: user?.info ?? {} }));
      },
    },
  } as never);
}

describe('private, presence and encrypted channels', () => {
  it('subscribes to a private channel with a signature from the SDK and receives events', async () => {
    const server = await startSidecar();
    const client = authedClient(server, server.api());
    await connected(client);
    const channel = client.subscribe('private-orders.1');
    await nextEvent(channel, 'pusher:subscription_succeeded');
    const got = nextEvent(channel, 'status');
    await server.api().trigger('private-orders.1', 'status', { shipped: true });
    expect((await got)[0]).toEqual({ shipped: true });
  });

  it('answers a bad signature with a channel-scoped subscription_error (401) and keeps the connection', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: channelAuth(server.app.key, 'wrong-secret', socketId, 'private-x') } });
    const error = await client.nextEvent('pusher:subscription_error', 'private-x');
    expect(error.data).toMatchObject({ type: 'AuthError', status: 401 });
    expect(JSON.stringify(error.data)).not.toContain(server.app.secret);
    client.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: channelAuth(server.app.key, server.app.secret, socketId, 'private-x') } });
    await client.nextEvent('pusher_internal:subscription_succeeded', 'private-x');
  });

  it('lets Echo-style .error() fire through pusher-js for a forged auth', async () => {
    const server = await startSidecar();
    const client = pusherClient(server.port, server.app.key, {
      channelAuthorization: { customHandler: (_: unknown, cb: (e: null, d: unknown) => void) => cb(null, { auth: `${server.app.key}:${'0'.repeat(64)}` }) },
    } as never);
    await connected(client);
    const channel = client.subscribe('private-secret');
    const [error] = await nextEvent<{ status: number }>(channel, 'pusher:subscription_error');
    expect(error!.status).toBe(401);
    expect(client.connection.state).toBe('connected');
  });

  it('tracks presence members: here, joining once per user, leaving when the last socket goes', async () => {
    const server = await startSidecar();
    const sdk = server.api();
    const alice = authedClient(server, sdk, { id: '1', info: { name: 'Alice' } });
    await connected(alice);
    const aliceChannel = alice.subscribe('presence-room') as unknown as { members: { count: number; me: { id: string } } } & Parameters<typeof nextEvent>[0];
    await nextEvent(aliceChannel, 'pusher:subscription_succeeded');
    expect(aliceChannel.members.count).toBe(1);
    expect(aliceChannel.members.me.id).toBe('1');

    const joined = nextEvent<{ id: string; info: { name: string } }>(aliceChannel, 'pusher:member_added');
    const bob = authedClient(server, sdk, { id: '2', info: { name: 'Bob' } });
    await connected(bob);
    const bobChannel = bob.subscribe('presence-room') as unknown as { members: { count: number; get(id: string): { info: unknown } } } & Parameters<typeof nextEvent>[0];
    const [members] = await nextEvent<{ count: number }>(bobChannel, 'pusher:subscription_succeeded');
    expect(members!.count).toBe(2);
    expect(bobChannel.members.get('1').info).toEqual({ name: 'Alice' });
    expect((await joined)[0]).toMatchObject({ id: '2', info: { name: 'Bob' } });

    // Bob's second tab: no second member_added, count stays 2.
    const bobTab = authedClient(server, sdk, { id: '2', info: { name: 'Bob' } });
    await connected(bobTab);
    const tabChannel = bobTab.subscribe('presence-room');
    const [tabMembers] = await nextEvent<{ count: number }>(tabChannel, 'pusher:subscription_succeeded');
    expect(tabMembers!.count).toBe(2);

    const users = (await (await sdk.get({ path: '/channels/presence-room/users' })).json()) as { users: Array<{ id: string }> };
    expect(users.users.map((u) => u.id).sort()).toEqual(['1', '2']);
    const info = (await (await sdk.get({ path: '/channels/presence-room', params: { info: 'user_count' } })).json()) as { user_count: number };
    expect(info.user_count).toBe(2);

    const left = nextEvent<{ id: string }>(aliceChannel, 'pusher:member_removed');
    bobTab.disconnect();
    bob.disconnect();
    expect((await left)[0]).toMatchObject({ id: '2' });
    expect(aliceChannel.members.count).toBe(1);
  });

  it('sends member_added only to others and a member count that includes the subscriber (raw frames)', async () => {
    const server = await startSidecar();
    const a = rawClient(server.port, server.app.key);
    const aId = await a.socketId();
    const data = JSON.stringify({ user_id: 7, user_info: { name: 'Seven' } });
    a.send({ event: 'pusher:subscribe', data: { channel: 'presence-n', auth: channelAuth(server.app.key, server.app.secret, aId, 'presence-n', data), channel_data: data } });
    const ok = await a.nextEvent('pusher_internal:subscription_succeeded', 'presence-n');
    expect(ok.data).toEqual({ presence: { ids: ['7'], hash: { '7': { name: 'Seven' } }, count: 1 } });
    expect(a.frames.some((f) => f.event === 'pusher_internal:member_added')).toBe(false);
  });

  it('refuses a presence subscription over the member cap with a 403 subscription_error and keeps the socket', async () => {
    const server = await startSidecar({ maxPresenceMembers: 2 });
    const sdk = server.api();
    for (const id of ['1', '2']) {
      const c = authedClient(server, sdk, { id });
      await connected(c);
      await nextEvent(c.subscribe('presence-small'), 'pusher:subscription_succeeded');
    }
    const third = authedClient(server, sdk, { id: '3' });
    await connected(third);
    const [error] = await nextEvent<{ status: number }>(third.subscribe('presence-small'), 'pusher:subscription_error');
    expect(error!.status).toBe(403);
    expect(third.connection.state).toBe('connected');
    // A known member's extra socket still gets in.
    const again = authedClient(server, sdk, { id: '1' });
    await connected(again);
    await nextEvent(again.subscribe('presence-small'), 'pusher:subscription_succeeded');
  });

  it('rejects presence channel_data that is invalid or over the member size limit', async () => {
    const server = await startSidecar({ maxPresenceMemberSize: 64 });
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    for (const [channel, data] of [
      ['presence-a', 'not json'],
      ['presence-b', JSON.stringify({ user_info: {} })],
      ['presence-c', JSON.stringify({ user_id: '1', user_info: { bio: 'x'.repeat(100) } })],
    ] as const) {
      client.send({ event: 'pusher:subscribe', data: { channel, auth: channelAuth(server.app.key, server.app.secret, socketId, channel, data), channel_data: data } });
      const error = await client.nextEvent('pusher:subscription_error', channel);
      expect(error.data).toMatchObject({ status: 400 });
    }
  });

  it('relays encrypted channel ciphertext that pusher-js decrypts with the shared secret', async () => {
    const server = await startSidecar();
    const masterKey = randomBytes(32).toString('base64');
    const sdk = new (server.api().constructor as typeof Pusher)({
      appId: server.app.id, key: server.app.key, secret: server.app.secret, host: '127.0.0.1', port: String(server.port), useTLS: false,
      encryptionMasterKeyBase64: masterKey,
    });
    const client = authedClient(server, sdk);
    const spy = rawClient(server.port, server.app.key);
    const spyId = await spy.socketId();
    spy.send({ event: 'pusher:subscribe', data: { channel: 'private-encrypted-vault', auth: channelAuth(server.app.key, server.app.secret, spyId, 'private-encrypted-vault') } });
    await spy.nextEvent('pusher_internal:subscription_succeeded');
    await connected(client);
    const channel = client.subscribe('private-encrypted-vault');
    await nextEvent(channel, 'pusher:subscription_succeeded');
    const got = nextEvent(channel, 'secret');
    await sdk.trigger('private-encrypted-vault', 'secret', { pin: 1234 });
    expect((await got)[0]).toEqual({ pin: 1234 });
    const relayed = await spy.nextEvent('secret');
    expect(relayed.data).toHaveProperty('ciphertext');
    expect(JSON.stringify(relayed.data)).not.toContain('1234');
  });
});
