import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { connected, disconnectAll, pusherClient, rawClient } from '../helpers/clients.js';
import { TEST_APP, startSidecar, stopAll } from '../helpers/start-sidecar.js';

afterEach(async () => {
  disconnectAll();
  await stopAll();
});

describe('handshake refusals', () => {
  it('closes an unknown key with pusher:error 4001 then close 4001, and pusher-js stops', async () => {
    const server = await startSidecar();
    const raw = rawClient(server.port, 'no-such-key');
    const error = await raw.nextEvent('pusher:error');
    expect(error.data).toMatchObject({ code: 4001 });
    expect((await raw.closed).code).toBe(4001);

    const client = pusherClient(server.port, 'no-such-key');
    await new Promise<void>((resolve) => client.connection.bind('state_change', ({ current }: { current: string }) => current === 'disconnected' && resolve()));
    expect(client.connection.state).toBe('disconnected');
  });

  it('closes a disabled app with 4003, an unsupported protocol with 4007, a bad path with 4005', async () => {
    const disabled: App = { ...TEST_APP, id: 'off', key: 'off-key', enabled: false };
    const server = await startSidecar({}, { apps: [TEST_APP, disabled] });
    expect((await rawClient(server.port, disabled.key).closed).code).toBe(4003);
    expect((await rawClient(server.port, server.app.key, { query: 'protocol=3' }).closed).code).toBe(4007);
    expect((await rawClient(server.port, server.app.key, { path: '/socket' }).closed).code).toBe(4005);
    // Old clients that omit the protocol are accepted.
    await rawClient(server.port, server.app.key, { query: '' }).socketId();
  });

  it('accepts a path prefix before /app/{key} (pusher-js wsPath)', async () => {
    const server = await startSidecar();
    await rawClient(server.port, server.app.key, { path: `/ws/app/${server.app.key}` }).socketId();
  });
});

describe('heartbeat', () => {
  it('pings a quiet socket and closes it with 4201 when no pong comes', async () => {
    const server = await startSidecar({ activityTimeout: 1, pongTimeout: 1 });
    const dead = rawClient(server.port, server.app.key, { autoPong: false });
    await dead.socketId();
    await dead.nextEvent('pusher:ping');
    expect((await dead.closed).code).toBe(4201);
  });

  it('keeps a socket that answers pusher:ping', async () => {
    const server = await startSidecar({ activityTimeout: 1, pongTimeout: 1 });
    const alive = rawClient(server.port, server.app.key, { autoPong: false });
    await alive.socketId();
    let pings = 0;
    await alive.next((f) => {
      if (f.event !== 'pusher:ping') return false;
      pings++;
      alive.send({ event: 'pusher:pong', data: {} });
      return pings === 2;
    });
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });
});

describe('shutdown', () => {
  it('closes every socket with 4200 so pusher-js reconnects at once, and stops being ready', async () => {
    const server = await startSidecar();
    const raw = rawClient(server.port, server.app.key);
    await raw.socketId();
    const client = pusherClient(server.port, server.app.key);
    await connected(client);
    const reconnecting = new Promise<number>((resolve) => client.connection.bind('error', (e: { data?: { code?: number } }) => e.data?.code && resolve(e.data.code)));
    const closing = server.sidecar.close();
    expect(server.sidecar.isReady()).toBe(false);
    expect((await raw.closed).code).toBe(4200);
    expect(await reconnecting).toBe(4200);
    await closing;
  });
});

describe('hostile peers', () => {
  it('survives a refused socket that sends an invalid frame before reading its close', async () => {
    const server = await startSidecar();
    const socket = connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`GET /app/no-such-key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    // An unmasked client frame is a protocol error on the server side.
    socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    socket.resume();
    await once(socket, 'close');
    await rawClient(server.port, server.app.key).socketId();
  });
});
