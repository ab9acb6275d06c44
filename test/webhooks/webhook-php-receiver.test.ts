import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { hmacSha256Hex } from '../../src/auth/signatures.js';
import { silentLogger } from '../helpers/capture-logger.js';
import { createWebhookDispatcher } from '../helpers/operations.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { subscribed } from '../helpers/pusher-events.js';
import { startPhpServer } from '../helpers/php-server.js';
import { requireBinary } from '../helpers/require-binary.js';
import { TEST_APP, startSidecar } from '../helpers/start-sidecar.js';

const php = requireBinary('php', 'php-cli');
const RECEIVER = fileURLToPath(new URL('../fixtures/php/webhook-receiver.php', import.meta.url));

describe.skipIf(!php)('webhooks verified by a PHP receiver (php -S, getallheaders())', () => {
  async function receiver(app: App) {
    return startPhpServer(RECEIVER, { PUSHER_APP_KEY: app.key, PUSHER_APP_SECRET: app.secret });
  }

  it('sends X-Pusher-Key / X-Pusher-Signature spelled as pusher-http-php looks them up', async () => {
    const phpServer = await receiver(TEST_APP);
    const app: App = { ...TEST_APP, webhooks: [{ url: `${phpServer.url}/pusher/webhook`, events: ['channel_occupied'] }] };
    const dispatcher = createWebhookDispatcher({
      apps: [app], logger: silentLogger(), batchMs: 5, vacateDelayMs: 10, maxAgeMs: 60_000, queueSize: 100, timeoutMs: 5000, retryBaseMs: 5, retryMaxMs: 20,
    });
    const server = await startSidecar({}, { apps: [app], observers: [dispatcher] });
    await subscribed(pusherClient(server.port, app.key), 'orders');
    expect(await phpServer.waitForLog(/webhook (verified|refused)/)).toContain('webhook verified: channel_occupied orders');
  });

  it('the receiver is case-sensitive, as PHP is: lower-case names are refused', async () => {
    const phpServer = await receiver(TEST_APP);
    const body = '{"time_ms":1,"events":[{"name":"channel_occupied","channel":"x"}]}';
    const reply = await request(`${phpServer.url}/pusher/webhook`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-pusher-key': TEST_APP.key, 'x-pusher-signature': hmacSha256Hex(TEST_APP.secret, body) },
    });
    await reply.body.dump();
    expect(reply.statusCode).toBe(401);
    expect(await phpServer.waitForLog(/webhook refused/)).toContain('no X-Pusher-Key / X-Pusher-Signature header');
  });
});
