import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { connected, disconnectAll, nextEvent, pusherClient, rawClient, type RawClient } from '../helpers/clients.js';
import { channelAuth, sign } from '../helpers/signing.js';
import { TEST_APP, startSidecar, stopAll, type TestSidecar } from '../helpers/start-sidecar.js';

afterEach(async () => {
  disconnectAll();
  await stopAll();
});

async function joined(server: TestSidecar, channel: string, userId?: string): Promise<RawClient> {
  const client = rawClient(server.port, server.app.key);
  const socketId = await client.socketId();
  const channelData = userId === undefined ? undefined : JSON.stringify({ user_id: userId, user_info: {} });
  client.send({
    event: 'pusher:subscribe',
    data: { channel, auth: channelAuth(server.app.key, server.app.secret, socketId, channel, channelData), ...(channelData ? { channel_data: channelData } : {}) },
  });
  await client.nextEvent('pusher_internal:subscription_succeeded', channel);
  return client;
}

describe('client events', () => {
  it('relays a whisper to other subscribers, never back to the sender', async () => {
    const server = await startSidecar();
    const sender = await joined(server, 'private-chat');
    const receiver = await joined(server, 'private-chat');
    sender.send({ event: 'client-typing', channel: 'private-chat', data: { name: 'ann' } });
    const got = await receiver.nextEvent('client-typing', 'private-chat');
    expect(got.data).toEqual({ name: 'ann' });
    expect(got.user_id).toBeUndefined();
    sender.send({ event: 'pusher:ping', data: {} });
    await sender.nextEvent('pusher:pong');
    expect(sender.frames.some((f) => f.event === 'client-typing')).toBe(false);
  });

  it('adds user_id on presence channels, which pusher-js passes as metadata', async () => {
    const server = await startSidecar();
    const sdk = server.api();
    const listener = pusherClient(server.port, server.app.key, {
      channelAuthorization: { customHandler: (p: { socketId: string; channelName: string }, cb: (e: null, d: unknown) => void) => cb(null, sdk.authorizeChannel(p.socketId, p.channelName, { user_id: '9' })) },
    } as never);
    await connected(listener);
    const channel = listener.subscribe('presence-team');
    await nextEvent(channel, 'pusher:subscription_succeeded');
    const whisper = nextEvent<unknown>(channel, 'client-wave');
    const sender = await joined(server, 'presence-team', '5');
    sender.send({ event: 'client-wave', channel: 'presence-team', data: { hi: true } });
    const [data, metadata] = await whisper;
    expect(data).toEqual({ hi: true });
    expect(metadata).toEqual({ user_id: '5' });
  });

  it('rejects client events when disabled, on public channels, or when not subscribed (4305), keeping the socket', async () => {
    const disabled: App = { ...TEST_APP, id: 'quiet', key: 'quiet-key', enableClientMessages: false };
    const server = await startSidecar({}, { apps: [TEST_APP, disabled] });
    const quiet = rawClient(server.port, disabled.key);
    const quietId = await quiet.socketId();
    quiet.send({ event: 'pusher:subscribe', data: { channel: 'private-q', auth: channelAuth(disabled.key, disabled.secret, quietId, 'private-q') } });
    await quiet.nextEvent('pusher_internal:subscription_succeeded');
    quiet.send({ event: 'client-x', channel: 'private-q', data: {} });
    expect((await quiet.nextEvent('pusher:error')).data).toMatchObject({ code: 4305 });

    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'public' } });
    await client.nextEvent('pusher_internal:subscription_succeeded');
    client.send({ event: 'client-x', channel: 'public', data: {} });
    client.send({ event: 'client-x', channel: 'private-never-joined', data: {} });
    await client.next((f) => f.event === 'pusher:error' && client.frames.filter((x) => x.event === 'pusher:error').length === 2);
    const codes = client.frames.filter((f) => f.event === 'pusher:error').map((f) => (f.data as { code: number }).code);
    expect(codes).toEqual([4305, 4305]);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('limits client events per connection per second (4301) without closing', async () => {
    const server = await startSidecar({ clientEventRate: 3 });
    const sender = await joined(server, 'private-flood');
    const receiver = await joined(server, 'private-flood');
    for (let i = 0; i < 5; i++) sender.send({ event: 'client-n', channel: 'private-flood', data: { i } });
    const error = await sender.nextEvent('pusher:error');
    expect(error.data).toMatchObject({ code: 4301 });
    await receiver.next((f) => f.event === 'client-n' && (f.data as { i: number }).i === 2);
    sender.send({ event: 'pusher:ping', data: {} });
    await sender.nextEvent('pusher:pong');
    expect(receiver.frames.filter((f) => f.event === 'client-n')).toHaveLength(3);
  });
});

describe('user sign-in', () => {
  it('signs in through pusher-js, receives sendToUser on #server-to-user, and is terminated by the API', async () => {
    const server = await startSidecar();
    const sdk = server.api();
    const client = pusherClient(server.port, server.app.key, {
      userAuthentication: { customHandler: (p: { socketId: string }, cb: (e: null, d: unknown) => void) => cb(null, sdk.authenticateUser(p.socketId, { id: '42', user_info: { name: 'Zed' } })) },
    } as never);
    await connected(client);
    client.signin();
    await (client.user as unknown as { signinDonePromise: Promise<void> }).signinDonePromise;
    const serverChannel = (client.user as unknown as { serverToUserChannel: { name: string; subscribed: boolean } & Parameters<typeof nextEvent>[0] }).serverToUserChannel;
    expect(serverChannel.name).toBe('#server-to-user-42');
    if (!serverChannel.subscribed) await nextEvent(serverChannel, 'pusher:subscription_succeeded');
    const got = nextEvent(client.user as never, 'notice');
    await sdk.sendToUser('42', 'notice', { text: 'hello' });
    expect((await got)[0]).toEqual({ text: 'hello' });

    const closed = new Promise<number>((resolve) => client.connection.bind('error', (e: { data?: { code: number } }) => e.data?.code && resolve(e.data.code)));
    await sdk.terminateUserConnections('42');
    expect(await closed).toBe(4010);
  });

  it('rejects a forged sign-in and a #server-to-user subscription for another user', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    const userData = JSON.stringify({ id: '1' });
    client.send({ event: 'pusher:signin', data: { auth: `${server.app.key}:${sign('nope', `${socketId}::user::${userData}`)}`, user_data: userData } });
    expect((await client.nextEvent('pusher:error')).data).toMatchObject({ code: 4310 });
    client.send({ event: 'pusher:signin', data: { auth: `${server.app.key}:${sign(server.app.secret, `${socketId}::user::${userData}`)}`, user_data: userData } });
    const success = await client.nextEvent('pusher:signin_success');
    expect(success.data).toEqual({ user_data: userData });
    client.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-2', auth: '' } });
    expect((await client.nextEvent('pusher:subscription_error', '#server-to-user-2')).data).toMatchObject({ status: 400 });
    client.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-1', auth: '' } });
    await client.nextEvent('pusher_internal:subscription_succeeded', '#server-to-user-1');
  });

  it('requires a non-empty string id in user_data', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    const userData = JSON.stringify({ id: 1 });
    client.send({ event: 'pusher:signin', data: { auth: `${server.app.key}:${sign(server.app.secret, `${socketId}::user::${userData}`)}`, user_data: userData } });
    const error = await client.nextEvent('pusher:error');
    expect(error.data).toMatchObject({ code: 4310 });
    expect((error.data as { message: string }).message).toContain('string');
  });

  it('tells a watcher when a watched user comes online and goes offline', async () => {
    const server = await startSidecar();
    const signIn = async (id: string, watchlist: string[] = []) => {
      const c = rawClient(server.port, server.app.key);
      const socketId = await c.socketId();
      const userData = JSON.stringify({ id, watchlist });
      c.send({ event: 'pusher:signin', data: { auth: `${server.app.key}:${sign(server.app.secret, `${socketId}::user::${userData}`)}`, user_data: userData } });
      await c.nextEvent('pusher:signin_success');
      return c;
    };
    const watcher = await signIn('w', ['friend']);
    const friend = await signIn('friend');
    const online = await watcher.nextEvent('pusher_internal:watchlist_events');
    expect(online.data).toEqual({ events: [{ name: 'online', user_ids: ['friend'] }] });
    friend.ws.close();
    const offline = await watcher.next((f) => f.event === 'pusher_internal:watchlist_events' && JSON.stringify(f.data).includes('offline'));
    expect(offline.data).toEqual({ events: [{ name: 'offline', user_ids: ['friend'] }] });
  });
});
