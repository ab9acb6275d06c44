/**
 * One contract for every ClusterState: the local one and the Redis one (against a real
 * redis-server) must give the same transitions and answers.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/cluster/cluster-state.js';
import { LocalClusterState } from '../../src/cluster/local-cluster-state.js';
import { RedisClusterState } from '../../src/cluster/redis-cluster-state.js';
import { RedisKeys } from '../../src/cluster/redis-keys.js';
import { onCleanup } from '../helpers/cleanup.js';
import { hasRedis, startRedis, type TestRedis } from '../helpers/redis-server.js';

type Factory = () => Promise<ClusterState>;

let server: Promise<TestRedis> | undefined;
afterAll(async () => (await server)?.stop());

async function redisState(): Promise<ClusterState> {
  // One redis-server for the file; each state gets a prefix of its own.
  const { url } = await (server ??= startRedis({ perFile: true }));
  const redis = new Redis(url);
  onCleanup(() => void redis.disconnect());
  const errors: unknown[] = [];
  const state = new RedisClusterState({
    redis, keys: new RedisKeys(`contract-${randomBytes(4).toString('hex')}`), nodeId: 'node-a', appIds: ['app'],
    onError: (_op, err) => errors.push(err),
  });
  onCleanup(() => expect(errors).toEqual([]));
  return state;
}

const factories: Array<[string, Factory, boolean]> = [
  ['local', async () => new LocalClusterState(), true],
  ['redis', redisState, hasRedis()],
];

describe.each(factories)('ClusterState contract: %s', (_name, make, available) => {
  it.skipIf(!available)('reports occupied on the first join and vacated on the last leave, with counts', async () => {
    const state = await make();
    expect(await state.join('app', 'news', '1.1', undefined, 100)).toMatchObject({ full: false, occupied: true, memberAdded: false, subscriptionCount: 1 });
    expect(await state.join('app', 'news', '1.2', undefined, 100)).toMatchObject({ occupied: false, subscriptionCount: 2 });
    expect(await state.channel('app', 'news')).toEqual({ subscriptionCount: 2 });
    expect(await state.leave('app', 'news', '1.1')).toEqual({ left: true, vacated: false, memberRemoved: undefined, subscriptionCount: 1 });
    expect(await state.leave('app', 'news', '1.2')).toEqual({ left: true, vacated: true, memberRemoved: undefined, subscriptionCount: 0 });
    expect(await state.channel('app', 'news')).toBeUndefined();
    expect([...(await state.channels('app')).keys()]).toEqual([]);
  });

  it.skipIf(!available)('is idempotent: a repeated join or leave changes nothing', async () => {
    const state = await make();
    await state.join('app', 'news', '1.1', undefined, 100);
    expect(await state.join('app', 'news', '1.1', undefined, 100)).toMatchObject({ occupied: false, subscriptionCount: 1 });
    await state.leave('app', 'news', '1.1');
    expect(await state.leave('app', 'news', '1.1')).toMatchObject({ left: false, vacated: false });
  });

  it.skipIf(!available)('tells sockets apart while a channel has one of them and after it had several', async () => {
    // The local state holds a lone socket without a Map and makes one for a second.
    const state = await make();
    await state.join('app', 'news', '1.1', undefined, 100);
    expect(await state.leave('app', 'news', '9.9')).toMatchObject({ left: false, subscriptionCount: 1 });
    expect(await state.join('app', 'news', '1.2', undefined, 100)).toMatchObject({ occupied: false, subscriptionCount: 2 });
    expect(await state.leave('app', 'news', '1.1')).toMatchObject({ left: true, vacated: false, subscriptionCount: 1 });
    expect(await state.leave('app', 'news', '1.1')).toMatchObject({ left: false, subscriptionCount: 1 });
    expect(await state.join('app', 'news', '1.3', undefined, 100)).toMatchObject({ occupied: false, subscriptionCount: 2 });
    expect(await state.leave('app', 'news', '1.2')).toMatchObject({ left: true, vacated: false, subscriptionCount: 1 });
    expect(await state.leave('app', 'news', '1.3')).toMatchObject({ left: true, vacated: true, subscriptionCount: 0 });
    expect(await state.join('app', 'presence-solo', '2.1', { userId: 'u1', info: {} }, 100)).toMatchObject({ occupied: true, memberAdded: true });
    expect(await state.leave('app', 'presence-solo', '2.1')).toMatchObject({ left: true, vacated: true, memberRemoved: 'u1' });
  });

  it.skipIf(!available)('counts one presence member per user across sockets, with the latest user_info', async () => {
    const state = await make();
    const first = await state.join('app', 'presence-room', '1.1', { userId: 'u1', info: { name: 'A' } }, 100);
    expect(first).toMatchObject({ occupied: true, memberAdded: true });
    expect([...first.members!]).toEqual([['u1', { name: 'A' }]]);
    const second = await state.join('app', 'presence-room', '2.1', { userId: 'u1', info: { name: 'A2' } }, 100);
    expect(second).toMatchObject({ memberAdded: false, subscriptionCount: 2 });
    await state.join('app', 'presence-room', '3.1', { userId: 'u2', info: {} }, 100);
    expect(await state.channel('app', 'presence-room')).toEqual({ subscriptionCount: 3, userCount: 2 });
    expect(await state.members('app', 'presence-room')).toEqual(new Map<string, unknown>([['u1', { name: 'A2' }], ['u2', {}]]));
    expect(await state.channels('app')).toEqual(new Map([['presence-room', { subscriptionCount: 3, userCount: 2 }]]));
    expect((await state.leave('app', 'presence-room', '1.1')).memberRemoved).toBeUndefined();
    expect((await state.leave('app', 'presence-room', '2.1')).memberRemoved).toBe('u1');
  });

  it.skipIf(!available)('refuses a new user on a full presence channel, still admits a known one', async () => {
    const state = await make();
    await state.join('app', 'presence-small', '1.1', { userId: 'u1', info: {} }, 1);
    expect(await state.join('app', 'presence-small', '1.2', { userId: 'u2', info: {} }, 1)).toMatchObject({ full: true });
    expect(await state.join('app', 'presence-small', '1.3', { userId: 'u1', info: {} }, 1)).toMatchObject({ full: false, subscriptionCount: 2 });
  });

  it.skipIf(!available)('keeps a cache- event with its time to live', async () => {
    const state = await make();
    expect(await state.cacheGet('app', 'cache-x')).toBeUndefined();
    state.cacheSet('app', 'cache-x', 'ev', '{"a":1}', 60_000);
    const cached = await state.cacheGet('app', 'cache-x');
    expect(cached).toMatchObject({ event: 'ev', data: '{"a":1}' });
    expect(cached!.ttlMs).toBeGreaterThan(50_000);
    expect(cached!.ttlMs).toBeLessThanOrEqual(60_000);
  });

  it.skipIf(!available)('tracks signed-in users: online on the first socket, offline after the last', async () => {
    const state = await make();
    expect(await state.addUserSocket('app', 'u1', '1.1')).toBe(true);
    expect(await state.addUserSocket('app', 'u1', '1.2')).toBe(false);
    expect(await state.onlineUsers('app', ['u1', 'u2'])).toEqual(['u1']);
    expect(await state.removeUserSocket('app', 'u1', '1.1')).toBe(false);
    expect(await state.removeUserSocket('app', 'u1', '1.2')).toBe(true);
    expect(await state.onlineUsers('app', ['u1'])).toEqual([]);
  });

  it.skipIf(!available)('holds the app connection quota', async () => {
    const state = await make();
    expect(await state.openConnection('app', 2)).toBe(true);
    expect(await state.openConnection('app', 2)).toBe(true);
    expect(await state.openConnection('app', 2)).toBe(false);
    expect(await state.appConnectionCount('app')).toBe(2);
    state.closeConnection('app');
    expect(await state.openConnection('app', 2)).toBe(true);
  });
});
