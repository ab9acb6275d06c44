import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { parsePrometheusText, sumOf, type Sample } from '../../src/metrics/prometheus-text.js';
import { renderStatus } from '../../src/metrics/status-report.js';
import { createMetrics, startMetricsEndpoint } from '../helpers/operations.js';
import { TEST_APP, startSidecar } from '../helpers/start-sidecar.js';

async function scrape(url: string): Promise<Sample[]> {
  const parsed = parsePrometheusText(await (await fetch(url)).text());
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.samples;
}

describe('every HTTP API refusal leaves a trace', () => {
  it('logs, counts and shows in status a publish signed with the wrong secret, without the secret or the signature', async () => {
    const metrics = createMetrics({ version: '1.2.3', defaultMetrics: false });
    const server = await startSidecar({}, { observers: [metrics], logLevel: 'info' });
    metrics.track({ hub: server.sidecar.hub });
    const endpoint = await startMetricsEndpoint(metrics, server.sidecar.logger);

    const wrongSecret = 'wrong-secret-never-logged';
    const sdk = new Pusher({ appId: server.app.id, key: server.app.key, secret: wrongSecret, host: '127.0.0.1', port: String(server.port), useTLS: false });
    await expect(sdk.trigger('orders', 'shipped', { id: 1 })).rejects.toMatchObject({ status: 401 });

    const rejection = await server.waitForRejection('http_bad_signature');
    expect(rejection).toMatchObject({ appId: server.app.id, ip: '127.0.0.1', route: 'events' });
    const line = server.logs.find((l) => l.reason === 'http_bad_signature');
    expect(line).toMatchObject({ code: 401, reason: 'http_bad_signature', appId: server.app.id, ip: '127.0.0.1', route: 'events' });
    expect(String(line?.msg)).toContain('auth_signature does not match');
    const text = server.logText();
    for (const secret of [wrongSecret, server.app.secret, 'auth_signature=']) expect(text).not.toContain(secret);

    const samples = await scrape(endpoint.url);
    expect(sumOf(samples, 'pusher_sidecar_rejections_total', { code: '401', reason: 'http_bad_signature' })).toBe(1);
    const status = renderStatus(samples, endpoint.url, Date.now() / 1000);
    expect(status).not.toContain('rejections: none');
    expect(status).toMatch(/401\s+http_bad_signature\s+×1/);
  });

  it('counts 400, 403, 404 and 413 refusals by code and reason', async () => {
    const disabled: App = { ...TEST_APP, id: 'off', key: 'off-key', enabled: false };
    const metrics = createMetrics({ version: '1.2.3', defaultMetrics: false });
    const server = await startSidecar({ maxPayloadSize: 100, maxEventNameLength: 10 }, { apps: [TEST_APP, disabled], observers: [metrics] });
    const endpoint = await startMetricsEndpoint(metrics, server.sidecar.logger);

    await expect(server.api().trigger('c', 'e', 'x'.repeat(101))).rejects.toMatchObject({ status: 413 });
    await expect(server.api().trigger('c', 'e'.repeat(11), '1')).rejects.toMatchObject({ status: 400 });
    await expect(server.api(disabled).trigger('c', 'e', '1')).rejects.toMatchObject({ status: 403 });
    await expect(server.api({ ...TEST_APP, id: 'nope' }).trigger('c', 'e', '1')).rejects.toMatchObject({ status: 404 });

    const samples = await scrape(endpoint.url);
    expect(sumOf(samples, 'pusher_sidecar_rejections_total', { code: '413', reason: 'http_payload_too_large' })).toBe(1);
    expect(sumOf(samples, 'pusher_sidecar_rejections_total', { code: '400', reason: 'http_bad_request' })).toBe(1);
    expect(sumOf(samples, 'pusher_sidecar_rejections_total', { code: '403', reason: 'http_forbidden' })).toBe(1);
    expect(sumOf(samples, 'pusher_sidecar_rejections_total', { code: '404', reason: 'http_not_found' })).toBe(1);
    const unknown = server.rejections.find((r) => r.entry.id === 'http_not_found');
    expect(unknown).toMatchObject({ appId: 'nope', route: 'events', ip: '127.0.0.1' });
  });
});
