import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { defaultMetricsUrl, metricsUrl } from '../../src/cli/status-command.js';
import { captureIO } from '../helpers/capture-io.js';
import { silentLogger } from '../helpers/capture-logger.js';
import { createMetrics, createWebhookDispatcher, startMetricsEndpoint } from '../helpers/operations.js';
import { rawClient } from '../helpers/raw-client.js';
import { TEST_APP, startSidecar } from '../helpers/start-sidecar.js';

describe('pusher-sidecar status', () => {
  it('summarises connections per app, top rejections with their meaning and the webhook backlog', async () => {
    const logger = silentLogger();
    const app = { ...TEST_APP, webhooks: [{ url: 'http://127.0.0.1:9/never', events: ['channel_occupied' as const] }] };
    const metrics = createMetrics({ version: '1.2.3' });
    const dispatcher = createWebhookDispatcher({ apps: [app], logger, stats: metrics, batchMs: 60_000, vacateDelayMs: 0, maxAgeMs: 1000, queueSize: 10, timeoutMs: 100 });
    const server = await startSidecar({ allowedOrigins: ['https://app.example.com'] }, { apps: [app], observers: [metrics, dispatcher], logger });
    metrics.track({ hub: server.sidecar.hub, webhookBacklog: () => dispatcher.backlog });
    const metricsServer = await startMetricsEndpoint(metrics, logger);

    const client = rawClient(server.port, app.key);
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'orders' } });
    await client.nextEvent('pusher_internal:subscription_succeeded');
    for (let i = 0; i < 2; i++) await rawClient(server.port, app.key, { headers: { origin: 'https://evil.example.net' } }).closed;
    await rawClient(server.port, 'nope').closed;

    const { io, stdout } = captureIO(process.cwd());
    expect(await main(['node', 'pusher-sidecar', 'status', '--url', metricsServer.url.replace('/metrics', '')], io)).toBe(0);
    const text = stdout();
    expect(text).toContain(`pusher-sidecar 1.2.3 — ${metricsServer.url}`);
    expect(text).toMatch(/app\s+connections\s+channels\s+subscriptions\s+msgs in\s+msgs out/);
    expect(text).toMatch(new RegExp(`${TEST_APP.id}\\s+1\\s+1\\s+1\\s+1\\s+0`));
    expect(text).toMatch(/4009\s+origin_not_allowed\s+×2\s+Origin not allowed/);
    expect(text).toMatch(/4001\s+app_not_found\s+×1\s+Application does not exist/);
    expect(text.indexOf('origin_not_allowed')).toBeLessThan(text.indexOf('app_not_found'));
    expect(text).toContain('webhooks: backlog 1 events');
    expect(text).not.toContain(TEST_APP.secret);
  });

  it('finds the metrics port in ./.env like serve does', async () => {
    const metrics = createMetrics({ version: '4.5.6', defaultMetrics: false });
    const metricsServer = await startMetricsEndpoint(metrics, silentLogger());
    const dir = mkdtempSync(join(tmpdir(), 'status-'));
    // A ${VAR} reference, read the way Laravel and serve read it (src/laravel).
    writeFileSync(join(dir, '.env'), `OPS_PORT=${metricsServer.port}\nPUSHER_SIDECAR_METRICS_PORT="\${OPS_PORT}"\n`);
    const { io, stdout } = captureIO(dir);
    expect(await main(['node', 'pusher-sidecar', 'status'], io)).toBe(0);
    expect(stdout()).toContain(`pusher-sidecar 4.5.6 — http://127.0.0.1:${metricsServer.port}/metrics`);
    expect(stdout()).toContain('rejections: none');
  });

  it('explains an unreachable server and exits 1', async () => {
    const { io, stderr } = captureIO(process.cwd());
    expect(await main(['node', 'pusher-sidecar', 'status', '--url', 'http://127.0.0.1:9/metrics'], io)).toBe(1);
    expect(stderr()).toContain('cannot read http://127.0.0.1:9/metrics (ECONNREFUSED)');
    expect(stderr()).toContain('--metrics-port');
  });

  it('finds this machine\'s metrics from the env twins, and accepts host:port', () => {
    expect(defaultMetricsUrl({})).toBe('http://127.0.0.1:9601/metrics');
    expect(defaultMetricsUrl({ PUSHER_SIDECAR_METRICS_PORT: '9700', PUSHER_SIDECAR_METRICS_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:9700/metrics');
    expect(metricsUrl('10.0.0.5:9601')).toBe('http://10.0.0.5:9601/metrics');
    expect(metricsUrl('https://ops.example.com/sidecar/metrics')).toBe('https://ops.example.com/sidecar/metrics');
  });
});
