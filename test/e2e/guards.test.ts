/**
 * Each guard through real sockets: raw `ws` where a header, a flood or a paused reader is needed,
 * pusher-js where its reaction to the code is the point.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { CODES } from '../../src/protocol/codes.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { nextPusherError, waitForState } from '../helpers/pusher-events.js';
import { rawClient } from '../helpers/raw-client.js';
import { DEFAULT_APP, startSidecar, type StartOptions, type TestSidecar } from '../helpers/start-sidecar.js';

/** The guards as shipped (startSidecar turns the handshake rate off for other tests), on the default app. */
function startGuarded(config: Partial<Config> = {}, options: StartOptions = {}): Promise<TestSidecar> {
  return startSidecar({ handshakeRate: defaultConfig().handshakeRate, shutdownTimeout: 1, ...config }, { apps: [DEFAULT_APP], ...options });
}

function connectionOf(server: TestSidecar, socketId: string): Connection | undefined {
  return server.sidecar.hub.state(server.app).connections.get(socketId);
}

describe('origin guard', () => {
  it('by default accepts a page served from the host the socket connects to, and clients without Origin', async () => {
    const server = await startGuarded();
    await expect(rawClient(server.port, server.app.key, { origin: `http://127.0.0.1:${server.port}` }).socketId()).resolves.toMatch(/^\d+\.\d+$/);
    await expect(rawClient(server.port, server.app.key).socketId()).resolves.toBeTruthy();
    expect(server.rejections).toEqual([]);
  });

  it('believes X-Forwarded-Host from the trusted proxy (Caddy on loopback)', async () => {
    const server = await startGuarded();
    const client = rawClient(server.port, server.app.key, { origin: 'https://app.test', headers: { 'X-Forwarded-Host': 'app.test' } });
    await expect(client.socketId()).resolves.toBeTruthy();
  });

  it('answers a foreign page with pusher:error 4009 and close 4009, logged and counted once', async () => {
    const server = await startGuarded({}, { logLevel: 'info' });
    const client = rawClient(server.port, server.app.key, { origin: 'https://evil.test' });
    await expect(client.closed).resolves.toMatchObject({ code: 4009 });
    expect(client.wireFrames).toEqual([{ event: 'pusher:error', data: JSON.stringify({ code: 4009, message: `Origin "https://evil.test" not allowed (request host "127.0.0.1:${server.port}")` }) }]);
    expect(server.rejections).toHaveLength(1);
    expect(server.rejections[0]).toMatchObject({ entry: CODES.originNotAllowed, appId: 'app-id', ip: '127.0.0.1' });
    const lines = server.logs.filter((l) => l.reason === 'origin_not_allowed');
    expect(lines).toEqual([expect.objectContaining({ code: 4009, appId: 'app-id', ip: '127.0.0.1' })]);
  });

  it('survives an Origin of raw latin1 bytes: the close reason is cut by bytes, the log escaped', async () => {
    const server = await startGuarded({}, { logLevel: 'info' });
    const socket = connect(server.port, '127.0.0.1');
    const origin = Buffer.concat([Buffer.from('http://'), Buffer.alloc(150, 0xe9), Buffer.from('.test')]);
    socket.write(Buffer.concat([
      Buffer.from('GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
        + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: '),
      origin, Buffer.from('\r\n\r\n'),
    ]));
    let answer = '';
    // The 101, then pusher:error 4009 and a close frame whose reason is the first 123 bytes of the detail.
    await new Promise<void>((resolve) => socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('not allowed') && answer.lastIndexOf('\x88') > answer.indexOf('not allowed')) resolve();
    }));
    expect(answer).toContain('HTTP/1.1 101');
    await server.waitForRejection('origin_not_allowed');
    expect(server.logs.find((l) => l.reason === 'origin_not_allowed')?.msg).toMatch(/^Origin "http:\/\/(\\u00e9)+/);
    socket.destroy();
    await expect(rawClient(server.port, server.app.key).socketId()).resolves.toBeTruthy();
  });

  it('applies --allowed-origins with wildcards', async () => {
    const server = await startGuarded({ allowedOrigins: ['https://app.test', '*.app.test'] });
    await expect(rawClient(server.port, server.app.key, { origin: 'https://app.test' }).socketId()).resolves.toBeTruthy();
    await expect(rawClient(server.port, server.app.key, { origin: 'https://tenant.app.test' }).socketId()).resolves.toBeTruthy();
    await expect(rawClient(server.port, server.app.key, { origin: 'https://app.test.evil.test' }).closed).resolves.toMatchObject({ code: 4009 });
  });

  it('keeps the same host allowed when --allowed-origins lists others (APP_URL\'s pages are never locked out)', async () => {
    const server = await startGuarded({ allowedOrigins: ['https://cdn.example.com'] });
    const viaCaddy = (origin: string) => rawClient(server.port, server.app.key, { origin, headers: { 'X-Forwarded-Host': 'app.test' } });
    await expect(viaCaddy('https://app.test').socketId()).resolves.toBeTruthy();
    await expect(viaCaddy('https://cdn.example.com').socketId()).resolves.toBeTruthy();
    await expect(viaCaddy('https://other.test').closed).resolves.toMatchObject({ code: 4009 });
  });

  it('lets ! entries exclude an origin, or the same-host rule itself', async () => {
    const excluded = await startGuarded({ allowedOrigins: ['!https://app.test'] });
    const client = rawClient(excluded.port, excluded.app.key, { origin: 'https://app.test', headers: { 'X-Forwarded-Host': 'app.test' } });
    await expect(client.closed).resolves.toMatchObject({ code: 4009 });
    expect(client.wireFrames).toEqual([{ event: 'pusher:error', data: JSON.stringify({ code: 4009, message: 'Origin "https://app.test" not allowed (excluded)' }) }]);
    const listedOnly = await startGuarded({ allowedOrigins: ['!same-host', 'https://admin.test'] });
    await expect(rawClient(listedOnly.port, listedOnly.app.key, { origin: 'https://app.test', headers: { 'X-Forwarded-Host': 'app.test' } }).closed).resolves.toMatchObject({ code: 4009 });
    await expect(rawClient(listedOnly.port, listedOnly.app.key, { origin: 'https://admin.test', headers: { 'X-Forwarded-Host': 'app.test' } }).socketId()).resolves.toBeTruthy();
  });

  it('wants the Origin\'s port to be the one the request was sent to (http://app.test:443 is not app.test)', async () => {
    const server = await startGuarded();
    const forHost = (origin: string, host: string) => rawClient(server.port, server.app.key, { origin, headers: { 'X-Forwarded-Host': host } });
    await expect(forHost('http://app.test:443', 'app.test').closed).resolves.toMatchObject({ code: 4009 });
    await expect(forHost('https://app.test:8443', 'app.test').closed).resolves.toMatchObject({ code: 4009 });
    await expect(forHost('https://app.test', 'app.test:8443').closed).resolves.toMatchObject({ code: 4009 });
    await expect(forHost('https://app.test', 'app.test').socketId()).resolves.toBeTruthy();
    await expect(forHost('https://app.test', 'app.test:443').socketId()).resolves.toBeTruthy();
    await expect(forHost('https://app.test:8443', 'app.test:8443').socketId()).resolves.toBeTruthy();
  });

  it('makes pusher-js give up instead of retrying', async () => {
    const server = await startGuarded();
    const pusher = pusherClient(server.port, server.app.key, { headers: { Origin: 'https://evil.test' } });
    const error = nextPusherError(pusher);
    await waitForState(pusher, 'disconnected');
    expect(await error).toMatchObject({ code: 4009, message: `Origin "https://evil.test" not allowed (request host "127.0.0.1:${server.port}")` });
    expect(server.rejections.map((r) => r.entry.id)).toEqual(['origin_not_allowed']);
  });
});

describe('handshake rate guard', () => {
  it('answers 429 with Retry-After once the burst is spent, before any upgrade, and recovers as tokens refill', async () => {
    const clock = createFakeClock();
    const server = await startGuarded({ handshakeRate: 1, handshakeBurst: 2 }, { now: clock.now });
    await rawClient(server.port, server.app.key).socketId();
    await rawClient(server.port, server.app.key).socketId();
    const refused = await rawClient(server.port, server.app.key).refused;
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 429 });
    expect(server.rejections.map((r) => [r.entry.code, r.ip])).toEqual([[429, '127.0.0.1']]);
    expect(server.sidecar.hub.connectionCount).toBe(2);

    clock.advance(1000);
    await expect(rawClient(server.port, server.app.key).socketId()).resolves.toBeTruthy();
    expect((await rawClient(server.port, server.app.key).refused).status).toBe(429);
  });

  it('gives each browser behind the trusted proxy its own bucket', async () => {
    const clock = createFakeClock();
    const server = await startGuarded({ handshakeRate: 1, handshakeBurst: 1 }, { now: clock.now });
    await rawClient(server.port, server.app.key, { headers: { 'X-Forwarded-For': '203.0.113.1' } }).socketId();
    await rawClient(server.port, server.app.key, { headers: { 'X-Forwarded-For': '203.0.113.2' } }).socketId();
    const refused = rawClient(server.port, server.app.key, { headers: { 'X-Forwarded-For': '203.0.113.1' } });
    expect((await refused.refused).status).toBe(429);
    expect(server.rejections[0]?.ip).toBe('203.0.113.1');
  });

  it('ignores X-Forwarded-For from peers outside --trust-proxy', async () => {
    const clock = createFakeClock();
    const server = await startGuarded({ handshakeRate: 1, handshakeBurst: 1, trustProxy: ['10.0.0.0/8'] }, { now: clock.now });
    await rawClient(server.port, server.app.key, { headers: { 'X-Forwarded-For': '203.0.113.1' } }).socketId();
    const spoofed = rawClient(server.port, server.app.key, { headers: { 'X-Forwarded-For': '203.0.113.2' } });
    expect((await spoofed.refused).status).toBe(429);
    expect(server.rejections[0]?.ip).toBe('127.0.0.1');
  });
});

describe('connection caps', () => {
  it('closes the connection over --max-connections with 4100; pusher-js backs off and gets in once there is room', async () => {
    const server = await startGuarded({ maxConnections: 2, handshakeRate: 0 });
    const first = rawClient(server.port, server.app.key);
    await first.socketId();
    await rawClient(server.port, server.app.key).socketId();

    const third = rawClient(server.port, server.app.key);
    await expect(third.closed).resolves.toMatchObject({ code: 4100 });
    expect(third.wireFrames[0]).toMatchObject({ event: 'pusher:error', data: JSON.stringify({ code: 4100, message: 'Server has 2 of 2 connections' }) });

    const pusher = pusherClient(server.port, server.app.key);
    const error = nextPusherError(pusher);
    expect((await error).code).toBe(4100);
    expect(pusher.connection.state).not.toBe('disconnected');
    first.ws.close();
    await waitForState(pusher, 'connected');
    expect(server.rejections.filter((r) => r.entry.id === 'over_capacity').length).toBeGreaterThanOrEqual(2);
  });

  it('closes the connection over the app quota with 4004, and pusher-js stops', async () => {
    const server = await startGuarded({}, { apps: [{ ...DEFAULT_APP, maxConnections: 1 }] });
    await rawClient(server.port, server.app.key).socketId();
    const pusher = pusherClient(server.port, server.app.key);
    const error = nextPusherError(pusher);
    await waitForState(pusher, 'disconnected');
    expect((await error).code).toBe(4004);
    expect(server.rejections).toEqual([expect.objectContaining({ entry: CODES.appOverQuota, appId: 'app-id' })]);
  });
});

describe('per-connection limits', () => {
  it('closes a socket that sends a frame over --max-message-size with 1009', async () => {
    const server = await startGuarded({ maxMessageSize: 1024 });
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    client.send({ event: 'client-big', data: { blob: 'x'.repeat(2000) }, channel: 'private-x' });
    await expect(client.closed).resolves.toMatchObject({ code: 1009 });
    await server.waitForRejection('message_too_large');
    expect(server.rejections).toHaveLength(1);
  });

  it('warns a flooding socket once with 4303, then closes it with 4102', async () => {
    const clock = createFakeClock();
    const server = await startGuarded({ messageRate: 10, messageBurst: 20 }, { now: clock.now });
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    for (let i = 0; i < 200; i++) client.send({ event: 'pusher:ping', data: {} });
    await expect(client.closed).resolves.toMatchObject({ code: 4102 });
    const events = client.frames.map((f) => f.event);
    expect(events.filter((e) => e === 'pusher:pong')).toHaveLength(20);
    const errors = client.wireFrames.filter((f) => f.event === 'pusher:error').map((f) => (JSON.parse(f.data as string) as { code: number }).code);
    expect(errors).toEqual([4303, 4102]);
    expect(server.rejections.map((r) => r.entry.code)).toEqual([4303, 4102]);
  });

  it('keeps a socket that stays under --message-rate', async () => {
    const clock = createFakeClock();
    const server = await startGuarded({ messageRate: 10, messageBurst: 5 }, { now: clock.now });
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 5; i++) client.send({ event: 'pusher:ping', data: {} });
      await client.waitForCount('pusher:pong', (round + 1) * 5);
      clock.advance(500);
    }
    expect(server.rejections).toEqual([]);
  });
});

describe('slow consumer', () => {
  it('closes a socket that stops reading with 4101 before its buffer passes --max-buffered-bytes plus one message', async () => {
    const maxBufferedBytes = 64 * 1024;
    const server = await startGuarded({ maxBufferedBytes });
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    client.subscribe('news');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'news');
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const api = server.api();
    const data = 'x'.repeat(9000);
    const largestFrame = JSON.stringify({ event: 'tick', channel: 'news', data }).length + 10;
    let maxBuffered = 0;
    let batches = 0;
    while (!server.rejections.some((r) => r.entry.id === 'slow_consumer')) {
      expect(batches++).toBeLessThan(5000);
      await api.triggerBatch(Array.from({ length: 10 }, () => ({ channel: 'news', name: 'tick', data })));
      maxBuffered = Math.max(maxBuffered, connectionOf(server, socketId)?.bufferedAmount ?? 0);
    }
    expect(maxBuffered).toBeGreaterThan(maxBufferedBytes);
    // The close frame (a few bytes) follows the message that crossed the limit.
    expect(maxBuffered).toBeLessThanOrEqual(maxBufferedBytes + largestFrame + 64);
    expect(connectionOf(server, socketId)?.closed ?? true).toBe(true);
    expect(server.rejections.filter((r) => r.entry.id === 'slow_consumer')).toHaveLength(1);

    (client.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect(client.closed).resolves.toMatchObject({ code: CODES.slowConsumer.code });
  });

  it('closes a socket whose buffer has not drained for --write-wait with 4101', async () => {
    const clock = createFakeClock();
    const server = await startGuarded({ writeWait: 0.1, maxBufferedBytes: 256 * 1024 * 1024 }, { now: clock.now });
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    client.subscribe('news');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'news');
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const api = server.api();
    const data = 'x'.repeat(9000);
    for (let batches = 0; connectionOf(server, socketId)!.blockedSince === 0; batches++) {
      expect(batches).toBeLessThan(5000);
      await api.triggerBatch(Array.from({ length: 10 }, () => ({ channel: 'news', name: 'tick', data })));
    }
    clock.advance(101);
    const rejection = await server.waitForRejection('slow_consumer');
    expect(rejection).toMatchObject({ appId: 'app-id', ip: '127.0.0.1' });
    (client.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect(client.closed).resolves.toMatchObject({ code: 4101 });
  });

  it('clears the write-wait mark when the buffer drains, and marks each later fill afresh', async () => {
    // The drain listener is added when a write fills the buffer, not at connect: this proves the
    // mark still clears, and clears again on the next fill.
    const clock = createFakeClock();
    const server = await startGuarded({ writeWait: 600, maxBufferedBytes: 256 * 1024 * 1024 }, { now: clock.now });
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    client.subscribe('news');
    await client.nextEvent('pusher_internal:subscription_succeeded', 'news');
    const clientSocket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    const connection = connectionOf(server, socketId)!;
    const api = server.api();
    const data = 'x'.repeat(9000);

    for (const advance of [0, 5000]) {
      clock.advance(advance);
      clientSocket.pause();
      for (let batches = 0; connection.blockedSince === 0; batches++) {
        expect(batches).toBeLessThan(5000);
        await api.triggerBatch(Array.from({ length: 10 }, () => ({ channel: 'news', name: 'tick', data })));
      }
      expect(connection.blockedSince).toBe(clock.now());
      const drained = new Promise((resolve) => connection.socket.once('drain', resolve));
      clientSocket.resume();
      await drained;
      expect(connection.blockedSince).toBe(0);
    }
    expect(connection.closed).toBe(false);
    expect(server.rejections).toEqual([]);
  });
});
