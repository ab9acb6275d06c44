import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { parsePrometheusText, sumOf, type Sample } from '../../src/metrics/prometheus-text.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { disconnectAll, rawClient } from '../helpers/clients.js';
import { silentLogger } from '../helpers/ops-sidecar.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/ops-webhook-receiver.js';
import { TEST_APP, startSidecar, stopAll } from '../helpers/start-sidecar.js';

async function scrape(server: MetricsServer): Promise<Sample[]> {
  const response = await fetch(server.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const parsed = parsePrometheusText(await response.text());
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.samples;
}

describe('/metrics', () => {
  let metricsServer: MetricsServer | undefined;
  let receiver: WebhookReceiver | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let metrics: Metrics | undefined;

  afterEach(async () => {
    disconnectAll();
    await stopAll();
    await dispatcher?.destroy();
    await metrics?.close();
    await metricsServer?.close();
    await receiver?.close();
  });

  it('moves the counters for connections, rejections, messages, API calls and webhooks', async () => {
    receiver = await startWebhookReceiver((n) => (n === 0 ? 503 : 200));
    const app: App = { ...TEST_APP, webhooks: [{ url: receiver.url, events: ['channel_occupied'] }] };
    const logger = silentLogger();
    metrics = new Metrics({ version: '9.9.9' });
    dispatcher = new WebhookDispatcher({
      apps: [app], logger, stats: metrics, batchMs: 0, vacateDelayMs: 0, maxAgeMs: 10_000, queueSize: 100, timeoutMs: 1000, retryBaseMs: 5,
    });
    const server = await startSidecar({}, { apps: [app], observers: [dispatcher, metrics], logger });
    metrics.track({ hub: server.sidecar.hub, webhookBacklog: () => dispatcher!.backlog });
    metricsServer = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, logger });

    const before = await scrape(metricsServer);
    expect(sumOf(before, 'pusher_sidecar_info', { version: '9.9.9' })).toBe(1);
    expect(sumOf(before, 'pusher_sidecar_connections_opened_total')).toBe(0);

    const client = rawClient(server.port, app.key);
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'orders' } });
    await client.nextEvent('pusher_internal:subscription_succeeded', 'orders');
    await server.api(app).trigger('orders', 'shipped', { id: 1 });
    await client.nextEvent('shipped', 'orders');
    const wrongSecret = new Pusher({ appId: app.id, key: app.key, secret: 'wrong', host: '127.0.0.1', port: String(server.port), useTLS: false });
    await expect(wrongSecret.trigger('orders', 'shipped', {})).rejects.toThrow();
    expect((await rawClient(server.port, 'no-such-key').closed).code).toBe(4001);
    await receiver.waitForEvent((e) => e.name === 'channel_occupied');

    const during = await scrape(metricsServer);
    const appLabel = { app_id: app.id };
    expect(sumOf(during, 'pusher_sidecar_connections', appLabel)).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_connections_opened_total', appLabel)).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_channels', { ...appLabel, kind: 'public' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_subscriptions', appLabel)).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_rejections_total', { code: '4001', reason: 'app_not_found' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_messages_received_total', appLabel)).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_received_bytes_total', appLabel)).toBeGreaterThan(20);
    expect(sumOf(during, 'pusher_sidecar_messages_sent_total', appLabel)).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_sent_bytes_total', appLabel)).toBeGreaterThan(20);
    expect(sumOf(during, 'pusher_sidecar_broadcast_duration_seconds_count')).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_http_requests_total', { route: 'events', status: '200' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_http_requests_total', { route: 'events', status: '401' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_http_request_duration_seconds_count', { route: 'events' })).toBe(2);
    expect(sumOf(during, 'pusher_sidecar_webhook_events_total', { ...appLabel, event: 'channel_occupied' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_webhook_requests_total', { ...appLabel, result: 'retry' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_webhook_requests_total', { ...appLabel, result: 'delivered' })).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_webhook_retries_total', appLabel)).toBe(1);
    expect(sumOf(during, 'pusher_sidecar_webhook_backlog_events')).toBe(0);
    expect(during.some((s) => s.name === 'pusher_sidecar_event_loop_delay_seconds_bucket')).toBe(true);
    expect(during.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);

    client.ws.close(1000);
    await client.closed;
    await server.close();
    const after = await scrape(metricsServer);
    expect(sumOf(after, 'pusher_sidecar_connections_closed_total', { ...appLabel, code: '1000' })).toBe(1);
    expect(sumOf(after, 'pusher_sidecar_connections', appLabel)).toBe(0);
    const text = await (await fetch(metricsServer.url)).text();
    expect(text).not.toContain(app.secret);
  });

  it('counts auth forwards by outcome with a latency histogram', async () => {
    metrics = new Metrics({ version: 'x', defaultMetrics: false });
    metrics.authForwarded('ok', 0.02);
    metrics.authForwarded('forbidden', 0.01);
    metrics.authForwarded('ok', 0.03);
    const samples = parsePrometheusText(await metrics.registry.metrics());
    if (!samples.ok) throw new Error(samples.reason);
    expect(sumOf(samples.samples, 'pusher_sidecar_auth_forwards_total', { outcome: 'ok' })).toBe(2);
    expect(sumOf(samples.samples, 'pusher_sidecar_auth_forward_duration_seconds_count', { outcome: 'forbidden' })).toBe(1);
  });

  it('labels unknown client close codes "other" so clients cannot grow the series', async () => {
    metrics = new Metrics({ version: 'x', defaultMetrics: false });
    metrics.connectionClosed(TEST_APP, 4321);
    metrics.connectionClosed(TEST_APP, 3999);
    metrics.connectionClosed(TEST_APP, 4200);
    const parsed = parsePrometheusText(await metrics.registry.metrics());
    if (!parsed.ok) throw new Error(parsed.reason);
    const codes = parsed.samples.filter((s) => s.name === 'pusher_sidecar_connections_closed_total').map((s) => [s.labels.code, s.value]);
    expect(codes).toEqual([['other', 2], ['4200', 1]]);
  });

  it('answers 404 off /metrics and explains a busy port', async () => {
    metrics = new Metrics({ version: 'x', defaultMetrics: false });
    metricsServer = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, logger: silentLogger() });
    expect((await fetch(metricsServer.url.replace('/metrics', '/'))).status).toBe(404);
    await expect(startMetricsServer({ host: '127.0.0.1', port: metricsServer.port, registry: metrics.registry, logger: silentLogger() }))
      .rejects.toThrow(/EADDRINUSE.*--metrics-port/);
  });
});
