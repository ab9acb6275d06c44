import { createServer } from 'node:net';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from '../../src/metrics/prometheus-text.js';
import { freePort } from '../helpers/free-port.js';
import { rawClient } from '../helpers/raw-client.js';
import { runBin, startBin } from '../helpers/run-bin.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

describe('pusher-sidecar serve with webhooks and metrics (built bin)', () => {
  it('serves /metrics, sends signed webhooks and flushes channel_vacated on SIGTERM', async () => {
    const receiver = await startWebhookReceiver();
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

  it('serves the debug console beside /metrics, behind its token, and never logs the token', async () => {
    const metricsPort = await freePort();
    const { child, lines } = await startBin(['--metrics-port', String(metricsPort), '--dashboard-token', 'tok-7c1e9a']);
    const base = `http://127.0.0.1:${metricsPort}`;
    expect(lines.join('\n')).toContain(`debug console on ${base}/`);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${base}/console/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/console/api/doctor`)).status).toBe(401);
    const stream = await fetch(`${base}/console/api/stream`, { headers: { authorization: 'Bearer tok-7c1e9a' } });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('tok-7c1e9a');
    expect(result.stderr).not.toContain('tok-7c1e9a');
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
