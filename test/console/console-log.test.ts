import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { previewData, scrub } from '../../src/console/console-entry.js';
import { ConsoleLog } from '../../src/console/console-log.js';
import { dashboardExposureWarning } from '../../src/console/exposure-warning.js';
import { SseClient } from '../../src/console/sse-client.js';
import { onCleanup } from '../helpers/cleanup.js';

describe('ConsoleLog', () => {
  it('keeps at most `size` entries, oldest first', () => {
    const log = new ConsoleLog({ size: 3, ratePerSecond: 100, node: 'n', now: () => 0 });
    for (let i = 1; i <= 5; i++) log.push({ time: 0, kind: 'console', text: `e${i}` });
    expect(log.recent().map((line) => (JSON.parse(line.json) as { text: string }).text)).toEqual(['e3', 'e4', 'e5']);
  });

  it('samples past the rate and says how many it skipped in the next second', () => {
    let now = 0;
    const log = new ConsoleLog({ size: 100, ratePerSecond: 2, node: 'n', now: () => now });
    for (let i = 0; i < 5; i++) log.push({ time: now, kind: 'api', text: `e${i}` });
    now = 1000;
    log.push({ time: now, kind: 'api', text: 'next' });
    const texts = log.recent().map((line) => (JSON.parse(line.json) as { text: string }).text);
    expect(texts).toEqual(['e0', 'e1', expect.stringContaining('3 entries not shown'), 'next']);
    expect(log.sampledOutTotal).toBe(3);
  });

  it('tags entries with this node unless a source names another', () => {
    const log = new ConsoleLog({ size: 10, ratePerSecond: 10, node: 'here', now: () => 0 });
    log.push({ time: 0, kind: 'api', text: 'a' });
    log.push({ time: 0, kind: 'api', text: 'b', node: 'peer-2' });
    expect(log.recent().map((line) => (JSON.parse(line.json) as { node: string }).node)).toEqual(['here', 'peer-2']);
  });
});

describe('scrub and previewData', () => {
  it('removes signatures, cookies and bearer tokens, and truncates data', () => {
    const sig = 'a'.repeat(64);
    expect(scrub(`auth app-key:${sig} and ${sig}`)).toBe('auth app-key:[signature] and [signature]');
    expect(scrub('Cookie: laravel_session=abc; authorization=Bearer')).not.toContain('laravel_session=abc');
    const preview = previewData('x'.repeat(1000));
    expect(preview.length).toBeLessThan(230);
    expect(preview).toContain('1000 chars');
  });
});

describe('SseClient', () => {
  it('drops past its queue bound while the browser does not read, and reports the count', async () => {
    let response: ServerResponse | undefined;
    const server = createServer((_req, res) => {
      response = res;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onCleanup(() => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }));
    const port = (server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    onCleanup(() => {
      socket.destroy();
    });
    socket.write('GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (!response) await new Promise((resolve) => setImmediate(resolve));
    socket.pause();
    const client = new SseClient(response, 10);
    const big = JSON.stringify({ text: 'y'.repeat(10_000) });
    // Fill the kernel and stream buffers until the response reports backpressure.
    for (let seq = 0; !response.writableNeedDrain; seq++) {
      client.enqueue({ seq, json: big });
      client.flush();
    }
    for (let seq = 0; seq < 50; seq++) client.enqueue({ seq, json: big });
    expect(client.dropped).toBe(40);
    client.flush(); // still backed up: writes nothing, queue stays bounded
    socket.resume();
    let text = '';
    const reported = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('event: dropped\ndata: 40')) resolve();
      });
    });
    await once(response, 'drain');
    client.flush();
    await reported;
  });
});

describe('dashboardExposureWarning', () => {
  const base = { dashboard: true, dashboardToken: '', metricsHost: '127.0.0.1', metricsPort: 9601 };
  it('warns only for a console bound beyond loopback without a token', () => {
    expect(dashboardExposureWarning(base)).toBeUndefined();
    for (const host of ['localhost', '::1', '[::1]', '127.0.0.2']) expect(dashboardExposureWarning({ ...base, metricsHost: host }), host).toBeUndefined();
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'metrics.internal']) {
      expect(dashboardExposureWarning({ ...base, metricsHost: host }), host).toContain('--dashboard-token');
    }
    expect(dashboardExposureWarning({ ...base, metricsHost: '0.0.0.0', dashboardToken: 't' })).toBeUndefined();
    expect(dashboardExposureWarning({ ...base, metricsHost: '0.0.0.0', dashboard: false })).toBeUndefined();
  });
});
