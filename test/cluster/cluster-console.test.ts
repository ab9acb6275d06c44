/**
 * The debug console in cluster mode: a console opened on any node shows every node's entries,
 * each tagged with its node, and with no console open anywhere no node traces or publishes entries.
 * Two real sidecars share a real redis-server; a plain Redis subscriber on the cluster's bus
 * channel sees what crosses it.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../../src/cluster/bus.js';
import type { Config } from '../../src/config/schema.js';
import { onCleanup } from '../helpers/cleanup.js';
import { openConsoleStream, startConsoleSidecar, type ConsoleSidecar } from '../helpers/debug-console.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { once, subscribed } from '../helpers/pusher-events.js';
import { hasRedis, startRedis, type TestRedis } from '../helpers/redis-server.js';

/** Two console-enabled nodes of one cluster, named as `serve --workers` names them. */
async function startConsoleNodes(redis: TestRedis, overrides: Partial<Config> = {}): Promise<[ConsoleSidecar, ConsoleSidecar]> {
  const cluster = { redisUrl: redis.url, redisPrefix: `t-${randomBytes(4).toString('hex')}`, ...overrides };
  const a = await startConsoleSidecar(cluster, { node: null, nodeName: 'node-a' });
  const b = await startConsoleSidecar(cluster, { node: null, nodeName: 'node-b' });
  return [a, b];
}

/** Every message crossing the cluster's bus, seen by a plain Redis subscriber. */
async function watchBus(redis: TestRedis, prefix: string): Promise<{ messages: BusMessage[]; next(predicate: (m: BusMessage) => boolean): Promise<BusMessage> }> {
  const subscriber = new Redis(redis.url);
  onCleanup(() => void subscriber.disconnect());
  const messages: BusMessage[] = [];
  const waiters: Array<() => void> = [];
  subscriber.on('message', (_channel: string, text: string) => {
    messages.push((JSON.parse(text) as { m: BusMessage }).m);
    for (const waiter of waiters.splice(0)) waiter();
  });
  await subscriber.subscribe(`${prefix}:bus`);
  return {
    messages,
    next: (predicate) => {
      const from = messages.length;
      return new Promise((resolve) => {
        const check = () => {
          const found = messages.slice(from).find(predicate);
          if (found) resolve(found);
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

const nodeId = (node: ConsoleSidecar): string => node.sidecar.hub.bus.nodeId!;

describe.skipIf(!hasRedis())('debug console across a cluster', () => {
  it("shows another node's connection, subscribe and publish entries, tagged with that node", async () => {
    const redis = await startRedis();
    const [a, b] = await startConsoleNodes(redis);
    expect(nodeId(b)).toMatch(/^node-b-/);

    const stream = await openConsoleStream(a.consoleUrl);
    expect((await stream.nextEvent('hello')).data).toMatchObject({ node: nodeId(a) });
    // Node B answers the watch through its own log, so this entry says it is forwarding now.
    const answered = await stream.entry((e) => e.kind === 'console' && e.node === nodeId(b));
    expect(answered.text).toContain(`console on ${nodeId(a)}`);
    expect(b.sidecar.hub.observers.tracing).toBe(true);

    const client = pusherClient(b.port, b.app.key);
    const channel = await subscribed(client, 'orders');
    const socketId = client.connection.socket_id;
    const got = once(channel, 'shipped');
    await b.api().trigger('orders', 'shipped', { id: 7 });
    expect(await got).toEqual({ id: 7 });

    const opened = await stream.entry((e) => e.kind === 'connection' && e.socketId === socketId);
    expect(opened).toMatchObject({ node: nodeId(b), text: 'opened', app: 'test-app', ip: '127.0.0.1' });
    expect(await stream.entry((e) => e.kind === 'subscription' && e.socketId === socketId)).toMatchObject({ node: nodeId(b), text: 'subscribed', channel: 'orders' });
    const published = await stream.entry((e) => e.kind === 'api' && e.event === 'shipped');
    expect(published).toMatchObject({ node: nodeId(b), channel: 'orders', app: 'test-app' });
    expect(published.text).toContain('1 recipients');
    // Node A's own entries keep its name.
    const local = pusherClient(a.port, a.app.key);
    await subscribed(local, 'orders');
    expect(await stream.entry((e) => e.kind === 'subscription' && e.socketId === local.connection.socket_id)).toMatchObject({ node: nodeId(a) });
    expect(stream.text()).not.toContain(b.app.secret);
  });

  it('with a console open on each node, each shows both nodes once, never echoing the other\'s entries back', async () => {
    const redis = await startRedis();
    const [a, b] = await startConsoleNodes(redis);
    const streamA = await openConsoleStream(a.consoleUrl);
    const streamB = await openConsoleStream(b.consoleUrl);
    await streamA.entry((e) => e.kind === 'console' && e.node === nodeId(b));
    await streamB.entry((e) => e.kind === 'console' && e.node === nodeId(a));
    const onA = pusherClient(a.port, a.app.key);
    const onB = pusherClient(b.port, b.app.key);
    await Promise.all([subscribed(onA, 'room'), subscribed(onB, 'room')]);
    const ids = [onA.connection.socket_id, onB.connection.socket_id];
    for (const stream of [streamA, streamB]) {
      for (const [i, socketId] of ids.entries()) {
        expect(await stream.entry((e) => e.kind === 'subscription' && e.socketId === socketId)).toMatchObject({ node: nodeId([a, b][i]!) });
      }
    }
    // A later entry from each node has arrived on both consoles: any echo of the earlier ones would be there by now.
    await a.api().trigger('room', 'marker-a', {});
    await b.api().trigger('room', 'marker-b', {});
    for (const stream of [streamA, streamB]) {
      await stream.entry((e) => e.event === 'marker-a');
      await stream.entry((e) => e.event === 'marker-b');
      const entries = stream.events.filter((e) => e.name === 'entries').flatMap((e) => e.data as Array<Record<string, unknown>>);
      for (const socketId of ids) expect(entries.filter((e) => e.socketId === socketId && e.kind === 'connection')).toHaveLength(1);
    }
  });

  it('traces and publishes nothing while no console is open anywhere, and stops once the console closes', async () => {
    const redis = await startRedis();
    const [a, b] = await startConsoleNodes(redis);
    const bus = await watchBus(redis, a.config.redisPrefix);
    const client = pusherClient(b.port, b.app.key);
    const channel = await subscribed(client, 'quiet');
    const got = once(channel, 'e');
    // Published on A: crossing the bus is the marker that B's publish traffic has passed by.
    const crossed = bus.next((m) => m.t === 'event');
    await a.api().trigger('quiet', 'e', '1');
    await Promise.all([got, crossed]);
    expect(a.sidecar.hub.observers.tracing).toBe(false);
    expect(b.sidecar.hub.observers.tracing).toBe(false);
    expect(bus.messages.filter((m) => m.t.startsWith('console'))).toEqual([]);

    const stream = await openConsoleStream(a.consoleUrl);
    await stream.entry((e) => e.kind === 'console' && e.node === nodeId(b));
    expect(b.sidecar.hub.observers.tracing).toBe(true);

    const closed = bus.next((m) => m.t === 'console_watch' && m.ttl === 0);
    stream.close();
    expect(await closed).toEqual({ t: 'console_watch', node: nodeId(a), ttl: 0 });
    // B turns tracing off on that message; no event of its own says so, hence a bounded poll.
    await expect.poll(() => b.sidecar.hub.observers.tracing).toBe(false);
    expect(a.sidecar.hub.observers.tracing).toBe(false);
  });

  it('keeps the other nodes tracing while the console stays open, and lets a watch lapse when its node vanished', async () => {
    const redis = await startRedis();
    const [a, b] = await startConsoleNodes(redis, { dashboardClusterTtl: 0.3 });
    const bus = await watchBus(redis, a.config.redisPrefix);
    const stream = await openConsoleStream(a.consoleUrl);
    await stream.entry((e) => e.kind === 'console' && e.node === nodeId(b));
    // Three renewals (one per third of the TTL) span a whole TTL: B still traces because each renewed it.
    const renewal = (m: BusMessage) => m.t === 'console_watch' && m.ttl > 0;
    for (let i = 0; i < 3; i++) await bus.next(renewal);
    expect(b.sidecar.hub.observers.tracing).toBe(true);
    stream.close();
    await expect.poll(() => b.sidecar.hub.observers.tracing).toBe(false);

    // A node whose console was open died without saying so: its last watch lapses after its TTL.
    const ghost = new Redis(redis.url);
    onCleanup(() => void ghost.disconnect());
    await ghost.publish(`${a.config.redisPrefix}:bus`, JSON.stringify({ n: 'ghost', m: { t: 'console_watch', node: 'ghost', ttl: 300 } }));
    await expect.poll(() => b.sidecar.hub.observers.tracing).toBe(true);
    expect(a.sidecar.hub.observers.tracing).toBe(true);
    await expect.poll(() => b.sidecar.hub.observers.tracing, { timeout: 3000 }).toBe(false);
    expect(a.sidecar.hub.observers.tracing).toBe(false);
  });
});
