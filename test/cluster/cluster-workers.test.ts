/** `serve --workers 2`: two processes on one port, one Redis cluster, as a user runs it. */
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cleanup.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { once, subscribed } from '../helpers/pusher-events.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { runBin, startBin } from '../helpers/run-bin.js';
import { TEST_APP } from '../helpers/start-sidecar.js';
import Pusher from 'pusher';

const APP_FLAGS = ['--app-id', TEST_APP.id, '--app-key', TEST_APP.key, '--app-secret', TEST_APP.secret, '--handshake-rate', '0'];

describe('serve --workers', () => {
  it('refuses more than one worker without a Redis URL, naming the fix', async () => {
    const result = await runBin(['serve', '--workers', '2', '--port', '0', '--metrics-port', '0', ...APP_FLAGS]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--redis-url');
  });

  it.skipIf(!hasRedis())('runs two workers on one port that behave as one server, each named in its logs', async () => {
    const redis = await startRedis();
    const { child, port, lines } = await startBin(['--workers', '2', '--redis-url', redis.url, ...APP_FLAGS]);
    onCleanup(async () => {
      child.kill('SIGTERM');
      await child;
    });
    // Both workers announce themselves before they accept; wait for the second ready line.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (lines.filter((line) => line.includes('listening on')).length >= 2) resolve();
        else child.stdout!.once('data', () => setImmediate(check));
      };
      check();
    });
    const workers = lines.filter((line) => line.includes('listening on')).map((line) => (JSON.parse(line) as { worker: number }).worker);
    expect(workers.sort()).toEqual([1, 2]);

    // node:cluster hands connections to the workers in turn, so four clients land on both.
    const clients = Array.from({ length: 4 }, () => pusherClient(port, TEST_APP.key));
    const channels = await Promise.all(clients.map((client) => subscribed(client, 'news')));
    const got = Promise.all(channels.map((channel) => once(channel, 'story')));
    const api = new Pusher({ appId: TEST_APP.id, key: TEST_APP.key, secret: TEST_APP.secret, host: '127.0.0.1', port: String(port), useTLS: false });
    await api.trigger('news', 'story', { n: 1 });
    expect(await got).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }, { n: 1 }]);
    expect(await (await api.get({ path: '/channels/news', params: { info: 'subscription_count' } })).json()).toEqual({ occupied: true, subscription_count: 4 });
  });
});
