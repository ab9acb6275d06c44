/**
 * Several sidecars sharing one real redis-server behave as one server: pusher-js clients spread
 * over the nodes, the `pusher` SDK publishing and querying through any of them. "Exactly once" is
 * checked after a later marker event has arrived, never after a sleep.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import type { Config } from '../../src/config/schema.js';
import type { WebhookEvent } from '../../src/webhooks/webhook-event.js';
import { authorizedClient, pusherClient, type PusherClient } from '../helpers/pusher-client.js';
import { connected, disconnected, nextEvent, nextPusherError, once, subscribed } from '../helpers/pusher-events.js';
import { rawClient } from '../helpers/raw-client.js';
import { hasRedis, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { sign } from '../helpers/signing.js';
import { TEST_APP, startSidecar, type StartOptions, type TestSidecar } from '../helpers/start-sidecar.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { silentLogger } from '../helpers/capture-logger.js';
import { createWebhookDispatcher } from '../helpers/operations.js';

/** `count` sidecars of one cluster; `options` may be a function to give each node its own observers. */
async function startNodes(count: number, redis: TestRedis, overrides: Partial<Config> = {}, options: StartOptions | (() => StartOptions) = {}): Promise<TestSidecar[]> {
  const prefix = overrides.redisPrefix ?? `t-${randomBytes(4).toString('hex')}`;
  const nodes: TestSidecar[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(await startSidecar({ redisUrl: redis.url, redisPrefix: prefix, ...overrides }, typeof options === 'function' ? options() : options));
  }
  return nodes;
}

/** Collects every `event` on a channel, so a count can be read once a later marker arrived. */
function record<T = unknown>(channel: { bind(event: string, cb: (data: T) => void): unknown }, event: string): T[] {
  const seen: T[] = [];
  channel.bind(event, (data: T) => seen.push(data));
  return seen;
}

/** pusher-js signed in as `id` (user authentication signed as Laravel would). */
function signedInClient(node: TestSidecar, id: string): PusherClient {
  const app = node.app;
  return pusherClient(node.port, app.key, {
    userAuthentication: {
      endpoint: '/unused', transport: 'ajax',
      customHandler: ({ socketId }: { socketId: string }, callback: (err: null, data: { auth: string; user_data: string }) => void) => {
        const userData = JSON.stringify({ id, user_info: {} });
        callback(null, { auth: `${app.key}:${sign(app.secret, `${socketId}::user::${userData}`)}`, user_data: userData });
      },
    },
  } as never);
}

describe.skipIf(!hasRedis())('cluster mode: several sidecars on one Redis', () => {
  it('delivers a broadcast to subscribers on every node exactly once', async () => {
    const redis = await startRedis();
    const nodes = await startNodes(3, redis);
    const clients = nodes.map((node) => pusherClient(node.port, node.app.key));
    const channels = await Promise.all(clients.map((client) => subscribed(client, 'news')));
    const seen = channels.map((channel) => record(channel, 'story'));
    const markers = Promise.all(channels.map((channel) => once(channel, 'marker')));
    await nodes[0]!.api().trigger('news', 'story', { n: 1 });
    await nodes[0]!.api().trigger('news', 'marker', {});
    await markers;
    expect(seen).toEqual([[{ n: 1 }], [{ n: 1 }], [{ n: 1 }]]);
  });

  it('excludes the socket_id (toOthers) on another node than the one publishing', async () => {
    const redis = await startRedis();
    const [a, b, c] = await startNodes(3, redis);
    const sender = pusherClient(a!.port, a!.app.key);
    const other = pusherClient(b!.port, b!.app.key);
    const [senderChannel, otherChannel] = await Promise.all([subscribed(sender, 'orders'), subscribed(other, 'orders')]);
    const senderSeen = record(senderChannel, 'updated');
    const marker = once(senderChannel, 'marker');
    const got = once(otherChannel, 'updated');
    await c!.api().trigger('orders', 'updated', { id: 7 }, { socket_id: sender.connection.socket_id });
    expect(await got).toEqual({ id: 7 });
    await c!.api().trigger('orders', 'marker', {});
    await marker;
    expect(senderSeen).toEqual([]);
  });

  it('carries whispers (client events) to the other node, not back to the sender', async () => {
    const redis = await startRedis();
    const [a, b] = await startNodes(2, redis);
    const alice = authorizedClient(a!.port, a!.app, { id: 'alice' });
    const bob = authorizedClient(b!.port, b!.app, { id: 'bob' });
    const [aliceRoom, bobRoom] = await Promise.all([subscribed(alice, 'presence-chat'), subscribed(bob, 'presence-chat')]);
    const aliceSeen = record(aliceRoom, 'client-typing');
    const got = nextEvent(bobRoom, 'client-typing');
    aliceRoom.trigger('client-typing', { typing: true });
    const [data, meta] = await got;
    expect(data).toEqual({ typing: true });
    expect(meta).toEqual({ user_id: 'alice' });
    const marker = once(aliceRoom, 'client-done');
    bobRoom.trigger('client-done', {});
    await marker;
    expect(aliceSeen).toEqual([]);
  });

  it('counts one presence member for a user with sockets on two nodes, added and removed once', async () => {
    const redis = await startRedis();
    const [a, b, c] = await startNodes(3, redis);
    const observer = authorizedClient(c!.port, c!.app, { id: 'watcher' });
    const room = await subscribed(observer, 'presence-room');
    const added = record<{ id: string }>(room, 'pusher:member_added');
    const removed = record<{ id: string }>(room, 'pusher:member_removed');
    const firstAdd = once(room, 'pusher:member_added');
    const tabOne = authorizedClient(a!.port, a!.app, { id: 'u1', info: { name: 'One' } });
    await subscribed(tabOne, 'presence-room');
    await firstAdd;
    const tabTwo = authorizedClient(b!.port, b!.app, { id: 'u1', info: { name: 'One' } });
    const second = await subscribed(tabTwo, 'presence-room');
    expect((second as unknown as { members: { count: number } }).members.count).toBe(2);
    const users = await c!.api().get({ path: '/channels/presence-room/users' });
    expect(((await users.json()) as { users: Array<{ id: string }> }).users.map((u) => u.id).sort()).toEqual(['u1', 'watcher']);
    await disconnected(tabOne);
    const gone = once(room, 'pusher:member_removed');
    await disconnected(tabTwo);
    await gone;
    // A later member's arrival marks the end: nothing for u1 may come after its removal.
    const marker = once(room, 'pusher:member_added');
    await subscribed(authorizedClient(a!.port, a!.app, { id: 'u2' }), 'presence-room');
    await marker;
    expect(added.map((m) => m.id)).toEqual(['u1', 'u2']);
    expect(removed.map((m) => m.id)).toEqual(['u1']);
  });

  it('gives every subscriber each member exactly once when many join at the same time on two nodes', async () => {
    const redis = await startRedis();
    const nodes = await startNodes(2, redis);
    const count = 16;
    const clients = Array.from({ length: count }, (_, i) => authorizedClient(nodes[i % 2]!.port, TEST_APP, { id: `m${i}` }));
    // Each client's view: the roster it got on subscribing plus every member_added after it.
    const views = clients.map((client) => {
      const channel = client.subscribe('presence-crowd');
      const seen: string[] = [];
      channel.bind('pusher:subscription_succeeded', (members: { each(cb: (m: { id: string }) => void): void }) => members.each((m) => seen.push(m.id)));
      channel.bind('pusher:member_added', (m: { id: string }) => seen.push(m.id));
      return { channel, seen };
    });
    await Promise.all(views.map((view) => once(view.channel, 'pusher:subscription_succeeded')));
    // Marker: one more member, joined after everyone; when each client has it, nothing else is due.
    const markers = views.map((view) => new Promise<void>((resolve) => {
      view.channel.bind('pusher:member_added', (m: { id: string }) => { if (m.id === 'last') resolve(); });
    }));
    await subscribed(authorizedClient(nodes[0]!.port, TEST_APP, { id: 'last' }), 'presence-crowd');
    await Promise.all(markers);
    const everyone = [...Array.from({ length: count }, (_, i) => `m${i}`), 'last'].sort();
    for (const view of views) expect([...view.seen].sort()).toEqual(everyone);
  });

  it('answers /channels, /channels/{c} and /users from a node with no clients, for the whole cluster', async () => {
    const redis = await startRedis();
    const [a, b, c] = await startNodes(3, redis);
    await subscribed(authorizedClient(a!.port, a!.app, { id: 'u1' }), 'presence-lobby');
    await subscribed(authorizedClient(b!.port, b!.app, { id: 'u2' }), 'presence-lobby');
    await subscribed(pusherClient(a!.port, a!.app.key), 'public-1');
    await subscribed(pusherClient(b!.port, b!.app.key), 'public-1');
    const api = c!.api();
    expect(await (await api.get({ path: '/channels' })).json()).toEqual({ channels: { 'presence-lobby': {}, 'public-1': {} } });
    expect(await (await api.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json())
      .toEqual({ channels: { 'presence-lobby': { user_count: 2 } } });
    expect(await (await api.get({ path: '/channels/public-1', params: { info: 'subscription_count' } })).json()).toEqual({ occupied: true, subscription_count: 2 });
    expect(await (await api.get({ path: '/channels/presence-lobby', params: { info: 'user_count' } })).json()).toEqual({ occupied: true, user_count: 2 });
    const users = (await (await api.get({ path: '/channels/presence-lobby/users' })).json()) as { users: Array<{ id: string }> };
    expect(users.users.map((u) => u.id).sort()).toEqual(['u1', 'u2']);
    const info = await api.trigger('public-1', 'e', {}, { info: 'subscription_count' });
    expect(await info.json()).toEqual({ channels: { 'public-1': { subscription_count: 2 } } });
  });

  it('terminates a user\'s connections on every node from a third', async () => {
    const redis = await startRedis();
    const [a, b, c] = await startNodes(3, redis);
    const tabs = [signedInClient(a!, 'ban-me'), signedInClient(b!, 'ban-me')];
    await Promise.all(tabs.map(async (tab) => {
      await connected(tab);
      tab.signin();
      await (tab.user as unknown as { signinDonePromise: Promise<void> }).signinDonePromise;
    }));
    const errors = tabs.map((tab) => nextPusherError(tab));
    await c!.api().terminateUserConnections('ban-me');
    expect((await Promise.all(errors)).map((e) => e.code)).toEqual([4010, 4010]);
  });

  it('serves a cache- channel\'s last event to a subscriber on another node', async () => {
    const redis = await startRedis();
    const [a, b] = await startNodes(2, redis);
    await a!.api().trigger('cache-price', 'tick', { price: 42 });
    const client = pusherClient(b!.port, b!.app.key);
    const channel = client.subscribe('cache-price');
    expect(await once(channel, 'tick')).toEqual({ price: 42 });
    const info = (await (await b!.api().get({ path: '/channels/cache-price', params: { info: 'cache' } })).json()) as { cache: { event: string; data: string; ttl: number } };
    expect(info.cache).toMatchObject({ event: 'tick', data: '{"price":42}' });
    expect(info.cache.ttl).toBeGreaterThan(0);
  });

  it('sends each webhook once per cluster, even when nodes join and leave the same channel', async () => {
    const redis = await startRedis();
    const receiver = await startWebhookReceiver();
    const app: App = { ...TEST_APP, webhooks: [{ url: receiver.url, events: ['channel_occupied', 'channel_vacated', 'member_added', 'member_removed'] }] };
    const dispatcher = () => createWebhookDispatcher({ apps: [app], logger: silentLogger(), batchMs: 0, vacateDelayMs: 0, maxAgeMs: 60_000, queueSize: 1000, timeoutMs: 2000 });
    const [a, b] = await startNodes(2, redis, {}, () => ({ apps: [app], observers: [dispatcher()] }));
    const one = authorizedClient(a!.port, app, { id: 'u1' });
    const two = authorizedClient(b!.port, app, { id: 'u2' });
    const three = authorizedClient(b!.port, app, { id: 'u1' });
    await Promise.all([subscribed(one, 'presence-team'), subscribed(two, 'presence-team'), subscribed(three, 'presence-team')]);
    await Promise.all([disconnected(one), disconnected(two), disconnected(three)]);
    await receiver.waitForEvent((e) => e.name === 'channel_vacated' && e.channel === 'presence-team');
    // The marker: a channel occupied after everything above has happened.
    await subscribed(pusherClient(a!.port, app.key), 'marker');
    await receiver.waitForEvent((e) => e.name === 'channel_occupied' && e.channel === 'marker');
    const team = receiver.delivered().filter((e) => e.channel === 'presence-team');
    const names = (events: WebhookEvent[], name: string) => events.filter((e) => e.name === name).map((e) => (e as { user_id?: string }).user_id ?? e.name);
    expect(names(team, 'channel_occupied')).toEqual(['channel_occupied']);
    expect(names(team, 'channel_vacated')).toEqual(['channel_vacated']);
    expect(names(team, 'member_added').sort()).toEqual(['u1', 'u2']);
    expect(names(team, 'member_removed').sort()).toEqual(['u1', 'u2']);
  });

  it('holds an app\'s connection quota across nodes (4004)', async () => {
    const redis = await startRedis();
    const app: App = { ...TEST_APP, maxConnections: 2 };
    const [a, b, c] = await startNodes(3, redis, {}, { apps: [app] });
    await connected(pusherClient(a!.port, app.key));
    await connected(pusherClient(b!.port, app.key));
    const third = rawClient(c!.port, app.key);
    expect((await third.closed).code).toBe(4004);
  });

  it('sends subscription_count to subscribers on every node when another node\'s subscriber joins', async () => {
    const redis = await startRedis();
    const app: App = { ...TEST_APP, subscriptionCount: true };
    const [a, b] = await startNodes(2, redis, {}, { apps: [app] });
    const first = pusherClient(a!.port, app.key);
    const room = first.subscribe('room');
    expect(await once(room, 'pusher:subscription_count')).toEqual({ subscription_count: 1 });
    const two = once(room, 'pusher:subscription_count');
    await subscribed(pusherClient(b!.port, app.key), 'room');
    expect(await two).toEqual({ subscription_count: 2 });
  });

  it('keeps two clusters on one Redis apart by prefix', async () => {
    const redis = await startRedis();
    const [a] = await startNodes(1, redis, { redisPrefix: 'blue' });
    const [b] = await startNodes(1, redis, { redisPrefix: 'green' });
    const blue = await subscribed(pusherClient(a!.port, a!.app.key), 'shared');
    const green = await subscribed(pusherClient(b!.port, b!.app.key), 'shared');
    const greenSeen = record(green, 'paint');
    const got = once(blue, 'paint');
    await a!.api().trigger('shared', 'paint', { color: 'blue' });
    await got;
    const marker = once(green, 'marker');
    await b!.api().trigger('shared', 'marker', {});
    await marker;
    expect(greenSeen).toEqual([]);
    expect(await (await b!.api().get({ path: '/channels/shared', params: { info: 'subscription_count' } })).json()).toEqual({ occupied: true, subscription_count: 1 });
  });
});
