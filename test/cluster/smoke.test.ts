import { describe, expect, it } from 'vitest';
import { startSidecar } from '../helpers/start-sidecar.js';
import { startRedis, hasRedis } from '../helpers/redis-server.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { connected, once, subscribed } from '../helpers/pusher-events.js';

describe.skipIf(!hasRedis())('smoke', () => {
  it('broadcasts across nodes', async () => {
    const redis = await startRedis();
    const a = await startSidecar({ redisUrl: redis.url });
    const b = await startSidecar({ redisUrl: redis.url });
    const ca = pusherClient(a.port, a.app.key);
    const cb = pusherClient(b.port, b.app.key);
    await Promise.all([connected(ca), connected(cb)]);
    const [cha, chb] = await Promise.all([subscribed(ca, 'news'), subscribed(cb, 'news')]);
    const got = Promise.all([once(cha, 'hello'), once(chb, 'hello')]);
    await a.api().trigger('news', 'hello', { x: 1 });
    expect(await got).toEqual([{ x: 1 }, { x: 1 }]);
    const info = await b.api().get({ path: '/channels/news', params: { info: 'subscription_count' } });
    expect(await info.json()).toEqual({ occupied: true, subscription_count: 2 });
  });
});
