/**
 * What a cluster does when a part of it fails: a node killed outright (its members removed by a
 * survivor, once, within the lease bound) and Redis restarted empty (nodes re-register, state whole
 * again). Leases are shrunk so the bound is short; everything waits on events.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkReady } from '../../src/doctor/live-checks.js';
import type { ServerObserver } from '../../src/observers.js';
import { authorizedClient, pusherClient } from '../helpers/pusher-client.js';
import { once, subscribed } from '../helpers/pusher-events.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { startBin } from '../helpers/run-bin.js';
import { createMetrics } from '../helpers/operations.js';
import { TEST_APP, startSidecar } from '../helpers/start-sidecar.js';

const LEASE_SECONDS = 0.4;

function record<T>(channel: { bind(event: string, cb: (data: T) => void): unknown }, event: string): T[] {
  const seen: T[] = [];
  channel.bind(event, (data: T) => seen.push(data));
  return seen;
}

/** An observer whose promise resolves on the next call of `method`. */
function nextCall(method: keyof ServerObserver): { observer: ServerObserver; next(): Promise<void> } {
  let waiters: Array<() => void> = [];
  return {
    observer: { [method]: () => { const w = waiters; waiters = []; for (const resolve of w) resolve(); } } as ServerObserver,
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

describe.skipIf(!hasRedis())('cluster mode: failures', () => {
  it('removes the members of a SIGKILLed node once, within the lease bound, and its sockets from the counts', async () => {
    const redis = await startRedis();
    const prefix = `k-${randomBytes(4).toString('hex')}`;
    const overrides = { redisUrl: redis.url, redisPrefix: prefix, nodeLeaseTtl: LEASE_SECONDS };
    // Two survivors, so they race to claim the dead node.
    const a = await startSidecar(overrides);
    const b = await startSidecar(overrides);
    const doomed = await startBin([
      '--redis-url', redis.url, '--redis-prefix', prefix, '--node-lease-ttl', String(LEASE_SECONDS),
      '--app-id', TEST_APP.id, '--app-key', TEST_APP.key, '--app-secret', TEST_APP.secret, '--handshake-rate', '0',
    ]);
    const rooms = await Promise.all([
      subscribed(authorizedClient(a.port, TEST_APP, { id: 'watcher-a' }), 'presence-room'),
      subscribed(authorizedClient(b.port, TEST_APP, { id: 'watcher-b' }), 'presence-room'),
    ]);
    const removed = rooms.map((room) => record<{ id: string }>(room, 'pusher:member_removed'));
    const arrived = rooms.map((room) => once(room, 'pusher:member_added'));
    await subscribed(authorizedClient(doomed.port, TEST_APP, { id: 'victim' }), 'presence-room');
    await Promise.all(arrived);

    const gone = rooms.map((room) => once<{ id: string }>(room, 'pusher:member_removed'));
    const killedAt = Date.now();
    doomed.child.kill('SIGKILL');
    expect((await Promise.all(gone)).map((m) => m.id)).toEqual(['victim', 'victim']);
    const elapsedMs = Date.now() - killedAt;
    // The documented bound is lease + a quarter of it (plus the cleanup itself); generous for a busy machine.
    expect(elapsedMs).toBeLessThan(LEASE_SECONDS * 1250 + 3000);

    const marker = rooms.map((room) => once(room, 'pusher:member_added'));
    await subscribed(authorizedClient(a.port, TEST_APP, { id: 'late' }), 'presence-room');
    await Promise.all(marker);
    expect(removed.map((list) => list.map((m) => m.id))).toEqual([['victim'], ['victim']]);
    const users = (await (await b.api().get({ path: '/channels/presence-room/users' })).json()) as { users: Array<{ id: string }> };
    expect(users.users.map((u) => u.id).sort()).toEqual(['late', 'watcher-a', 'watcher-b']);
  });

  it('removes a node\'s members at once when it stops gracefully (SIGTERM), long before its lease would lapse', async () => {
    const redis = await startRedis();
    const prefix = `t-${randomBytes(4).toString('hex')}`;
    // A lease of an hour: only the graceful stop can explain a prompt member_removed.
    const a = await startSidecar({ redisUrl: redis.url, redisPrefix: prefix, nodeLeaseTtl: 3600 });
    const leaving = await startBin([
      '--redis-url', redis.url, '--redis-prefix', prefix, '--node-lease-ttl', '3600',
      '--app-id', TEST_APP.id, '--app-key', TEST_APP.key, '--app-secret', TEST_APP.secret, '--handshake-rate', '0',
    ]);
    const room = await subscribed(authorizedClient(a.port, TEST_APP, { id: 'stays' }), 'presence-room');
    const arrived = once(room, 'pusher:member_added');
    await subscribed(authorizedClient(leaving.port, TEST_APP, { id: 'leaves' }), 'presence-room');
    await arrived;
    const gone = once<{ id: string }>(room, 'pusher:member_removed');
    leaving.child.kill('SIGTERM');
    expect((await gone).id).toBe('leaves');
    expect((await leaving.child).exitCode).toBe(0);
    const users = (await (await a.api().get({ path: '/channels/presence-room/users' })).json()) as { users: Array<{ id: string }> };
    expect(users.users.map((u) => u.id)).toEqual(['stays']);
  });

  it('keeps delivering locally while Redis is down, says so on /ready, and is whole again after Redis restarts empty', async () => {
    const redis = await startRedis();
    const prefix = `r-${randomBytes(4).toString('hex')}`;
    const watchA = nextCall('clusterResynced');
    const watchB = nextCall('clusterResynced');
    const downA = nextCall('clusterError');
    const metrics = createMetrics({ version: 'test', defaultMetrics: false });
    const a = await startSidecar({ redisUrl: redis.url, redisPrefix: prefix, nodeLeaseTtl: LEASE_SECONDS }, { observers: [watchA.observer, downA.observer, metrics] });
    const b = await startSidecar({ redisUrl: redis.url, redisPrefix: prefix, nodeLeaseTtl: LEASE_SECONDS }, { observers: [watchB.observer] });
    const roomA = await subscribed(authorizedClient(a.port, TEST_APP, { id: 'u1' }), 'presence-room');
    await subscribed(authorizedClient(b.port, TEST_APP, { id: 'u2' }), 'presence-room');
    const newsA = await subscribed(pusherClient(a.port, TEST_APP.key), 'news');
    const newsB = await subscribed(pusherClient(b.port, TEST_APP.key), 'news');

    const down = downA.next();
    await redis.stop();
    await down;
    const ready = await fetch(`${a.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: expect.stringContaining('redis') });
    expect(await metrics.registry.getSingleMetricAsString('pusher_sidecar_cluster_errors_total')).toContain('operation="disconnect"} 1');
    const doctor = await checkReady(a.url, { driver: 'reverb', timeoutMs: 2000, now: Date.now });
    expect(doctor).toMatchObject({ id: 'ready', status: 'fail', fix: expect.stringContaining('Redis') });
    const query = await a.api().get({ path: '/channels' }).catch((err: { status: number; body: string }) => err);
    expect(query).toMatchObject({ status: 503 });
    const local = once(newsA, 'during');
    await a.api().trigger('news', 'during', { local: true });
    expect(await local).toEqual({ local: true });

    const resynced = Promise.all([watchA.next(), watchB.next()]);
    await redis.restart();
    await resynced;
    expect((await fetch(`${a.url}/ready`)).status).toBe(200);
    const users = (await (await a.api().get({ path: '/channels/presence-room/users' })).json()) as { users: Array<{ id: string }> };
    expect(users.users.map((u) => u.id).sort()).toEqual(['u1', 'u2']);
    expect(await (await b.api().get({ path: '/channels/news', params: { info: 'subscription_count' } })).json()).toEqual({ occupied: true, subscription_count: 2 });
    const across = once(newsA, 'after');
    await b.api().trigger('news', 'after', { n: 2 });
    expect(await across).toEqual({ n: 2 });
    // And presence transitions work again across nodes.
    const joined = once<{ id: string }>(roomA, 'pusher:member_added');
    await subscribed(authorizedClient(b.port, TEST_APP, { id: 'u3' }), 'presence-room');
    expect((await joined).id).toBe('u3');
    void newsB;
  });
});
