import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawClient, type RawClient } from '../helpers/raw-client.js';
import { channelAuth } from '../helpers/signing.js';
import { startSidecar } from '../helpers/start-sidecar.js';

async function errorFor(client: RawClient, frame: unknown): Promise<{ code: number; message: string }> {
  const before = client.frames.filter((f) => f.event === 'pusher:error').length;
  if (Buffer.isBuffer(frame)) client.ws.send(frame, { binary: true });
  else client.send(frame);
  const error = await client.next((f) => f.event === 'pusher:error' && client.frames.filter((x) => x.event === 'pusher:error').length > before);
  return error.data as { code: number; message: string };
}

describe('bad input gets a documented pusher:error and nothing else breaks', () => {
  it('answers each malformed frame with its code, keeps the socket and leaves other sockets alone', async () => {
    const server = await startSidecar();
    const bystander = rawClient(server.port, server.app.key);
    await bystander.socketId();
    bystander.send({ event: 'pusher:subscribe', data: { channel: 'calm' } });
    await bystander.nextEvent('pusher_internal:subscription_succeeded');

    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    const cases: Array<[unknown, number, string]> = [
      ['this is not json', 4300, 'JSON'],
      [Buffer.from([1, 2, 3]), 4300, 'Binary'],
      ['[1,2,3]', 4300, 'object'],
      [{ data: {} }, 4300, 'event'],
      [{ event: 42 }, 4300, 'event'],
      [{ event: 'pusher:subscribe', data: { channel: 5 } }, 4300, 'channel'],
      [{ event: 'pusher:subscribe', data: 'not an object' }, 4300, 'channel'],
      [{ event: 'pusher:subscribe', data: { channel: 'x', auth: 7 } }, 4300, 'auth'],
      [{ event: 'pusher:subscribe', data: { channel: 'presence-x', auth: '', channel_data: { user_id: 1 } } }, 4300, 'channel_data'],
      [{ event: 'pusher:signin', data: { auth: 'k:s' } }, 4300, 'user_data'],
      [{ event: 'pusher:signin', data: { auth: '' } }, 4300, '--user-auth-url'],
      [{ event: 'client-x', data: {} }, 4300, 'channel'],
      [{ event: 'pusher:teleport', data: {} }, 4304, 'teleport'],
      [{ event: 'pusher:subscribe', data: { channel: 'has space' } }, 4309, 'Invalid channel'],
      [{ event: 'pusher:subscribe', data: { channel: 'x'.repeat(201) } }, 4309, 'Invalid channel'],
      [{ event: 'pusher:unsubscribe', data: { channel: 'never-joined' } }, 4307, 'never-joined'],
    ];
    for (const [frame, code, hint] of cases) {
      const error = await errorFor(client, frame);
      expect(error.code, JSON.stringify(frame)).toBe(code);
      expect(error.message).toContain(hint);
    }
    client.send({ event: 'pusher:subscribe', data: { channel: 'twice' } });
    await client.nextEvent('pusher_internal:subscription_succeeded', 'twice');
    expect((await errorFor(client, { event: 'pusher:subscribe', data: { channel: 'twice' } })).code).toBe(4306);

    expect(client.ws.readyState).toBe(client.ws.OPEN);
    await server.api().trigger('calm', 'still-here', '1');
    await bystander.nextEvent('still-here');
    await server.api().trigger('twice', 'once', '1');
    await client.nextEvent('once');
    expect(client.frames.filter((f) => f.event === 'once')).toHaveLength(1);
  });

  it('accepts pusher:* data sent as a JSON string (non-JS clients)', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: JSON.stringify({ channel: 'stringly' }) });
    await client.nextEvent('pusher_internal:subscription_succeeded', 'stringly');
  });

  it('closes a frame over --max-message-size with 1009 without touching other sockets', async () => {
    const server = await startSidecar({ maxMessageSize: 1024 });
    const bystander = rawClient(server.port, server.app.key);
    await bystander.socketId();
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    client.send({ event: 'client-big', channel: 'private-x', data: 'x'.repeat(2000) });
    expect((await client.closed).code).toBe(1009);
    bystander.send({ event: 'pusher:ping', data: {} });
    await bystander.nextEvent('pusher:pong');
  });

  it('caps channels per connection (4311)', async () => {
    const server = await startSidecar({ maxChannelsPerConnection: 2 });
    const client = rawClient(server.port, server.app.key);
    await client.socketId();
    for (const channel of ['one', 'two']) {
      client.send({ event: 'pusher:subscribe', data: { channel } });
      await client.nextEvent('pusher_internal:subscription_succeeded', channel);
    }
    expect((await errorFor(client, { event: 'pusher:subscribe', data: { channel: 'three' } })).code).toBe(4311);
  });
});

/** Sends a raw request line (Node's own clients refuse to send such targets) and returns the status line. */
async function rawStatusLine(port: number, target: string, upgrade: boolean): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const upgradeHeaders = upgrade ? 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' : 'Connection: close\r\n';
  socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgradeHeaders}\r\n`);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return chunk.toString().split('\r\n')[0]!;
}

describe('unparseable request targets', () => {
  it('answers 400 on the upgrade path and on the API, and keeps serving', async () => {
    const server = await startSidecar();
    expect(await rawStatusLine(server.port, 'http://[', true)).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawStatusLine(server.port, 'http://[', false)).toBe('HTTP/1.1 400 Bad Request');
    await rawClient(server.port, server.app.key).socketId();
  });
});

describe('malformed percent-encoding in paths', () => {
  it('answers 4001 on the WebSocket path and 400 on the API instead of crashing', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, '%E0%A4%A');
    expect((await client.closed).code).toBe(4001);
    const res = await fetch(`${server.url}/apps/%E0%A4%A/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Malformed percent-encoding in the path', code: 400 });
    await rawClient(server.port, server.app.key).socketId();
  });
});

describe('deeply nested JSON', () => {
  it('rejects client event data and presence channel_data nested too deep to re-serialize, and keeps serving', async () => {
    const server = await startSidecar();
    const client = rawClient(server.port, server.app.key);
    const socketId = await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'private-deep', auth: channelAuth(server.app.key, server.app.secret, socketId, 'private-deep') } });
    await client.nextEvent('pusher_internal:subscription_succeeded');
    const deep = '['.repeat(7000) + ']'.repeat(7000);
    client.send(`{"event":"client-deep","channel":"private-deep","data":${deep}}`);
    expect((await client.nextEvent('pusher:error')).data).toMatchObject({ code: 4300 });

    const channelData = `{"user_id":"1","user_info":${'['.repeat(40)}${']'.repeat(40)}}`;
    client.send({ event: 'pusher:subscribe', data: { channel: 'presence-deep', auth: channelAuth(server.app.key, server.app.secret, socketId, 'presence-deep', channelData), channel_data: channelData } });
    const error = await client.nextEvent('pusher:subscription_error', 'presence-deep');
    expect(error.data).toMatchObject({ status: 400 });
    expect(JSON.stringify(error.data)).toContain('nested deeper than 32');

    const res = await fetch(`${server.url}/up`);
    expect(res.status).toBe(200);
  });
});
