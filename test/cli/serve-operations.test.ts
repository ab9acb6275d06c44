import { createServer } from 'node:net';
import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from '../../src/metrics/prometheus-text.js';
import { disconnectAll, rawClient } from '../helpers/clients.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/ops-webhook-receiver.js';
import { runBin, startBin } from '../helpers/run-bin.js';

/** A port that was free a moment ago (metrics has no "pick one" value: 0 disables it). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('pusher-sidecar serve with webhooks and metrics (built bin)', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    disconnectAll();
    await receiver?.close();
  });

  it('serves /metrics, sends signed webhooks and flushes channel_vacated on SIGTERM', async () => {
    receiver = await startWebhookReceiver();
    const metricsPort = await freePort();
    const { child, port, lines } = await startBin([
      '--metrics-port', String(metricsPort),
      '--app-id', 'ops', '--app-key', 'ops-key', '--app-secret', 'ops-secret',
      '--webhook-url', receiver.url, '--webhook-events', 'channel_occupied,channel_vacated',
      '--webhook-vacate-delay', '60', '--webhook-batch-ms', '0',
    ]);
    const client = rawClient(port, 'ops-key');
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'orders' } });
    await receiver.waitForEvent((e) => e.name === 'channel_occupied');

    const scraped = parsePrometheusText(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    if (!scraped.ok) throw new Error(scraped.reason);
    expect(sumOf(scraped.samples, 'pusher_sidecar_connections', { app_id: 'ops' })).toBe(1);
    expect(lines.join('\n')).toContain(`metrics on http://127.0.0.1:${metricsPort}/metrics`);

    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    // The vacate delay is 60 s, yet shutdown delivered it before exiting.
    expect(receiver.delivered()).toEqual([
      { name: 'channel_occupied', channel: 'orders' },
      { name: 'channel_vacated', channel: 'orders' },
    ]);
    const sdk = new Pusher({ appId: 'ops', key: 'ops-key', secret: 'ops-secret', cluster: 'mt1' });
    for (const request of receiver.requests) expect(sdk.webhook({ headers: request.headers, rawBody: request.rawBody }).isValid()).toBe(true);
    expect(result.stdout).not.toContain('ops-secret');
    expect(result.stdout).not.toContain('token=');
  });

  it('refuses to start when the metrics port is taken, and says how to fix it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const result = await runBin(['serve', '--port', '0', '--metrics-port', String(taken)]);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain('EADDRINUSE');
      expect(result.stdout).toContain('--metrics-port');
    } finally {
      blocker.close();
    }
  });
});
