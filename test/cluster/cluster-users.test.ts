/** Signed-in users across nodes: server-to-user messages and watchlists, through a real redis-server. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pusherClient } from '../helpers/pusher-client.js';
import { connected, once } from '../helpers/pusher-events.js';
import { rawClient } from '../helpers/raw-client.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { sign } from '../helpers/signing.js';
import { startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

async function twoNodes(): Promise<[TestSidecar, TestSidecar]> {
  const redis = await startRedis();
  const overrides = { redisUrl: redis.url, redisPrefix: `u-${randomBytes(4).toString('hex')}` };
  return [await startSidecar(overrides), await startSidecar(overrides)];
}

describe.skipIf(!hasRedis())('cluster mode: signed-in users', () => {
  it('delivers sendToUser published on one node to the user signed in on another', async () => {
    const [a, b] = await twoNodes();
    const sdk = a.api();
    const client = pusherClient(b.port, b.app.key, {
      userAuthentication: { customHandler: (p: { socketId: string }, cb: (e: null, d: unknown) => void) => cb(null, sdk.authenticateUser(p.socketId, { id: '42' })) },
    } as never);
    await connected(client);
    client.signin();
    await (client.user as unknown as { signinDonePromise: Promise<void> }).signinDonePromise;
    const serverChannel = (client.user as unknown as { serverToUserChannel: { subscribed: boolean } & Parameters<typeof once>[0] }).serverToUserChannel;
    if (!serverChannel.subscribed) await once(serverChannel, 'pusher:subscription_succeeded');
    const got = once(client.user as never, 'notice');
    await sdk.sendToUser('42', 'notice', { text: 'from node A' });
    expect(await got).toEqual({ text: 'from node A' });
  });

  it('tells a watcher on one node when a watched user comes online and goes offline on another', async () => {
    const [a, b] = await twoNodes();
    const signIn = async (node: TestSidecar, id: string, watchlist: string[] = []) => {
      const c = rawClient(node.port, node.app.key);
      const socketId = await c.socketId();
      const userData = JSON.stringify({ id, watchlist });
      c.send({ event: 'pusher:signin', data: { auth: `${node.app.key}:${sign(node.app.secret, `${socketId}::user::${userData}`)}`, user_data: userData } });
      await c.nextEvent('pusher:signin_success');
      return c;
    };
    const watcher = await signIn(a, 'w', ['friend']);
    const friend = await signIn(b, 'friend');
    const online = await watcher.nextEvent('pusher_internal:watchlist_events');
    expect(online.data).toEqual({ events: [{ name: 'online', user_ids: ['friend'] }] });
    // A second watcher arriving later is told at once that the friend is online.
    const late = await signIn(a, 'w2', ['friend']);
    expect((await late.nextEvent('pusher_internal:watchlist_events')).data).toEqual({ events: [{ name: 'online', user_ids: ['friend'] }] });
    friend.ws.close();
    const offline = await watcher.next((f) => f.event === 'pusher_internal:watchlist_events' && JSON.stringify(f.data).includes('offline'));
    expect(offline.data).toEqual({ events: [{ name: 'offline', user_ids: ['friend'] }] });
  });
});
