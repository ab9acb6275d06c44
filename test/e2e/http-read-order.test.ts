import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cleanup.js';
import { rawClient } from '../helpers/raw-client.js';
import { sign } from '../helpers/signing.js';
import { startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

const BODY = JSON.stringify({ name: 'e', channel: 'c', data: 'x'.repeat(200) });

/** A signed publish's head (as the Pusher REST docs describe it), with the key and secret given. */
function signedHead(server: TestSidecar, key: string, secret: string): string {
  const path = `/apps/${server.app.id}/events`;
  const params: Record<string, string> = {
    auth_key: key, auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0',
    body_md5: createHash('md5').update(BODY).digest('hex'),
  };
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signature = sign(secret, `POST\n${path}\n${query}`);
  return `POST ${path}?${query}&auth_signature=${signature} HTTP/1.1\r\nHost: 127.0.0.1\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n`;
}

async function openSocket(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => void socket.destroy());
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => undefined);
  await once(socket, 'connect');
  return { socket, received: () => text, closed };
}

describe('HTTP API read order and timeouts', () => {
  it('answers a partial-body publish with a wrong key at once (401) and closes, without waiting for the body', async () => {
    // Timeouts far longer than the test: the close can only come from the early refusal.
    const server = await startSidecar({ httpHeadersTimeout: 60, httpRequestTimeout: 120 });
    const { socket, received, closed } = await openSocket(server.port);
    socket.write(signedHead(server, 'wrong-key', server.app.secret) + BODY.slice(0, 20));
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(received()).toContain('Connection: close');
    expect(received()).toContain('{"error":"auth_key does not match the app key","code":401}');
  });

  it('refuses a wrong secret from the query alone, with the same error body as before', async () => {
    const server = await startSidecar({ httpHeadersTimeout: 60, httpRequestTimeout: 120 });
    const { socket, received, closed } = await openSocket(server.port);
    socket.write(signedHead(server, server.app.key, 'not-the-secret') + BODY.slice(0, 20));
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(received()).toContain('{"error":"auth_signature does not match (check the app secret)","code":401}');
  });

  it('closes a validly signed publish whose body stalls after --http-request-timeout, and keeps WebSockets open', async () => {
    const server = await startSidecar({ httpHeadersTimeout: 0.2, httpRequestTimeout: 0.3 });
    const ws = rawClient(server.port, server.app.key);
    await ws.socketId();
    const { socket, received, closed } = await openSocket(server.port);
    socket.write(signedHead(server, server.app.key, server.app.secret) + BODY.slice(0, 20));
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    // The WebSocket is older than the request timeout and still answers.
    ws.send({ event: 'pusher:ping', data: {} });
    await ws.nextEvent('pusher:pong');
  });

  it('closes a connection whose request head stalls after --http-headers-timeout', async () => {
    const server = await startSidecar({ httpHeadersTimeout: 0.2, httpRequestTimeout: 10 });
    const { socket, received, closed } = await openSocket(server.port);
    socket.write('POST /apps/test-app/events HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('keeps the connection after a refusal whose body was complete', async () => {
    const server = await startSidecar();
    const { socket, received } = await openSocket(server.port);
    const head = signedHead(server, 'wrong-key', server.app.secret);
    socket.write(head + BODY);
    while (!received().includes('"code":401}')) await once(socket, 'data');
    socket.write(signedHead(server, server.app.key, server.app.secret) + BODY);
    while (!received().includes('{}')) await once(socket, 'data');
    expect(received().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 401', 'HTTP/1.1 200']);
  });

  it('answers `Expect: 100-continue` from the head: no invitation for a refused request, one for a valid one', async () => {
    const server = await startSidecar();
    const refused = await openSocket(server.port);
    refused.socket.write(signedHead(server, 'wrong-key', server.app.secret).replace('\r\n\r\n', '\r\nExpect: 100-continue\r\n\r\n'));
    await refused.closed;
    expect(refused.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(refused.received()).not.toContain('100 Continue');

    const accepted = await openSocket(server.port);
    accepted.socket.write(signedHead(server, server.app.key, server.app.secret).replace('\r\n\r\n', '\r\nExpect: 100-continue\r\n\r\n'));
    while (!accepted.received().includes('100 Continue')) await once(accepted.socket, 'data');
    accepted.socket.write(BODY);
    while (!accepted.received().includes('{}')) await once(accepted.socket, 'data');
    expect(accepted.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });
});
