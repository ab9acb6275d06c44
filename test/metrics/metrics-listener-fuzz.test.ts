import { describe, expect, it } from 'vitest';
import { openConsoleStream, startConsoleSidecar } from '../helpers/debug-console.js';
import { randomRequest, seededRandom, sendRaw, type FuzzAnswer } from '../helpers/http-fuzz.js';
import { rawClient } from '../helpers/raw-client.js';

const CONSOLE_PATHS = ['/console/api/stream', '/console/api/send', '/console/api/doctor', '/console/app.js', '/console/nope.js', '/console/../package.json', '/console/api/'];
// Statuses the metrics listener documents: the page and metrics (200), bad requests (400), token
// (401), Host/Origin (403), unknown routes (404), wrong methods (405), too large (413, 431), and
// 503 when --dashboard-max-clients consoles are open. 0: the server hung up without answering.
const DOCUMENTED = new Set([0, 200, 400, 401, 403, 404, 405, 413, 431, 503]);

describe('metrics listener under malformed requests (issue 11, item 1)', () => {
  it("answers '//' and 'GET http://[' with 400 and keeps serving /metrics, the API and sockets", async () => {
    const server = await startConsoleSidecar();
    const port = server.listener.port;
    expect((await sendRaw(port, 'GET // HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).status).toBe(400);
    expect((await sendRaw(port, 'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).status).toBe(400);
    expect((await sendRaw(port, 'GET /\u0000 HTTP/1.1\r\n\r\n')).status).toBe(400);
    expect((await fetch(server.listener.url)).status).toBe(200);
    await rawClient(server.port, server.app.key).socketId();
  });

  it('survives 400 seeded random requests (methods, targets, headers, bodies) on /metrics and every console route', async () => {
    const server = await startConsoleSidecar({ dashboardToken: 'fuzz-token' });
    // One console open, so stream and trace paths run too.
    const stream = await openConsoleStream(server.consoleUrl, 'fuzz-token');
    await stream.nextEvent('hello');
    const random = seededRandom(20261203);
    const answers: FuzzAnswer[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const requests = Array.from({ length: 20 }, () => randomRequest(random, CONSOLE_PATHS));
      answers.push(...(await Promise.all(requests.map((request) => sendRaw(server.listener.port, request, 1500)))));
    }
    const undocumented = answers.filter((answer) => !DOCUMENTED.has(answer.status));
    expect(undocumented.map((a) => `${a.status} ${JSON.stringify(a.request.slice(0, 120))}`)).toEqual([]);
    expect(answers.some((a) => a.status === 400)).toBe(true);
    expect((await fetch(server.listener.url)).status).toBe(200);
    const ws = rawClient(server.port, server.app.key);
    await ws.socketId();
    await stream.entry((e) => e.kind === 'connection');
  }, 60_000);
});
