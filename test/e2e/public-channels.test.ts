import { afterEach, describe, expect, it } from 'vitest';
import { connected, disconnectAll, nextEvent, pusherClient, rawClient } from '../helpers/clients.js';
import { startSidecar, stopAll } from '../helpers/start-sidecar.js';

afterEach(async () => {
  disconnectAll();
  await stopAll();
});

describe('connection and public channels (pusher-js + pusher SDK)', () => {
  it('sends connection_established with an unpredictable socket id and a positive activity timeout', async () => {
    const server = await startSidecar({ activityTimeout: 45 });
    const a = rawClient(server.port, server.app.key);
    const b = rawClient(server.port, server.app.key);
    const established = await a.nextEvent('pusher:connection_established');
    expect(typeof established.data).toBe('object');
    const data = established.data as { socket_id: string; activity_timeout: number };
    expect(data.socket_id).toMatch(/^\d+\.\d+$/);
    expect(data.activity_timeout).toBe(45);
    expect(await b.socketId()).not.toBe(data.socket_id);
  });

  it('answers pusher:ping with pusher:pong', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    client.send({ event: 'pusher:ping', data: {} });
    const pong = await client.nextEvent('pusher:pong');
    expect(pong.event).toBe('pusher:pong');
  });

  it('delivers an event published with the SDK to a pusher-js subscriber, data as sent', async () => {
    const server = await startSidecar();
    const client = pusherClient(server.port, server.app.key);
    await connected(client);
    const channel = client.subscribe('orders');
    await nextEvent(channel, 'pusher:subscription_succeeded');
    const received = nextEvent<{ id: number }>(channel, 'App\\Events\\OrderShipped');
    await server.api().trigger('orders', 'App\\Events\\OrderShipped', { id: 42 });
    expect((await received)[0]).toEqual({ id: 42 });
  });

  it('sends every frame with data as a JSON string', async () => {
    const server = await startSidecar();
    const raw = rawClient(server.port, server.app.key);
    const wire: Array<{ event: string; data?: unknown }> = [];
    raw.ws.on('message', (d) => wire.push(JSON.parse(d.toString())));
    await raw.socketId();
    raw.send({ event: 'pusher:subscribe', data: { channel: 'news' } });
    await raw.nextEvent('pusher_internal:subscription_succeeded');
    await server.api().trigger('news', 'headline', { title: 'again' });
    await raw.nextEvent('headline');
    raw.send({ event: 'pusher:ping', data: {} });
    await raw.nextEvent('pusher:pong');
    raw.send({ event: 'pusher:bogus', data: {} });
    await raw.nextEvent('pusher:error');
    expect(wire.map((f) => f.event)).toEqual([
      'pusher:connection_established', 'pusher_internal:subscription_succeeded', 'headline', 'pusher:pong', 'pusher:error',
    ]);
    for (const frame of wire) expect(typeof frame.data).toBe('string');
  });

  it('accepts the pusher-php shape (single "channel") and excludes the socket_id sender', async () => {
    const server = await startSidecar();
    const sender = rawClient(server.port, server.app.key);
    const other = rawClient(server.port, server.app.key);
    const senderId = await sender.socketId();
    await other.socketId();
    for (const c of [sender, other]) {
      c.send({ event: 'pusher:subscribe', data: { channel: 'chat' } });
      await c.nextEvent('pusher_internal:subscription_succeeded', 'chat');
    }
    await server.api().post({ path: '/events', body: { name: 'first', channel: 'chat', data: '{"n":1}', socket_id: senderId } as never });
    await server.api().post({ path: '/events', body: { name: 'second', channel: 'chat', data: '{"n":2}' } as never });
    expect((await other.nextEvent('first')).data).toEqual({ n: 1 });
    await sender.nextEvent('second');
    expect(sender.frames.some((f) => f.event === 'first')).toBe(false);
  });

  it('fans out to many channels in one trigger and stops after unsubscribe', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    for (const channel of ['a', 'b']) {
      client.send({ event: 'pusher:subscribe', data: { channel } });
      await client.nextEvent('pusher_internal:subscription_succeeded', channel);
    }
    await server.api().trigger(['a', 'b', 'c'], 'multi', 'plain text');
    expect((await client.nextEvent('multi', 'a')).data).toBe('plain text');
    await client.nextEvent('multi', 'b');
    client.send({ event: 'pusher:unsubscribe', data: { channel: 'a' } });
    client.send({ event: 'pusher:ping', data: {} });
    await client.nextEvent('pusher:pong');
    await server.api().trigger(['a', 'b'], 'after', '1');
    await client.nextEvent('after', 'b');
    expect(client.frames.filter((f) => f.event === 'after').map((f) => f.channel)).toEqual(['b']);
  });

  it('replays the last event of a cache channel on subscribe, and sends cache_miss otherwise', async () => {
    const server = await startSidecar();
    const client = pusherClient(server.port, server.app.key);
    await connected(client);
    const empty = client.subscribe('cache-empty');
    await nextEvent(empty, 'pusher:cache_miss');
    await server.api().trigger('cache-prices', 'price', { eur: 1 });
    await server.api().trigger('cache-prices', 'price', { eur: 2 });
    const prices = client.subscribe('cache-prices');
    expect((await nextEvent(prices, 'price'))[0]).toEqual({ eur: 2 });
    const info = await server.api().get({ path: '/channels/cache-prices', params: { info: 'cache,subscription_count' } });
    const body = (await info.json()) as { occupied: boolean; subscription_count: number; cache: { data: string; ttl: number } };
    expect(body.occupied).toBe(true);
    expect(body.subscription_count).toBe(1);
    expect(body.cache.data).toBe('{"eur":2}');
    expect(body.cache.ttl).toBeGreaterThan(0);
  });
});
