// The bench's yardstick must speak the protocol for real, or the sidecar's ratios to it would
// compare against a server that skips work. This starts bench/baseline-server.mjs exactly as the
// bench does (its own process, port 0) and talks to it with pusher-js and the pusher SDK.
// No timing assertions here: timing belongs to `npm run bench`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { pusherClient } from '../helpers/pusher-client.js';
import { connected, nextEvent } from '../helpers/pusher-events.js';
import { rawClient } from '../helpers/raw-client.js';
import { channelAuth } from '../helpers/signing.js';

const SCRIPT = fileURLToPath(new URL('../../bench/baseline-server.mjs', import.meta.url));
const APP = { id: 'bench', key: 'bench-key', secret: 'bench-secret' };
const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) child.kill();
  children.clear();
});

async function startBaseline(): Promise<{ port: number; api: Pusher }> {
  const child = spawn(process.execPath, [SCRIPT, '--host', '127.0.0.1', '--port', '0', '--app-id', APP.id, '--app-key', APP.key, '--app-secret', APP.secret], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.includes('listening'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  const api = new Pusher({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(port), useTLS: false });
  return { port, api };
}

describe('bench baseline server', () => {
  it('sends connection_established with a socket id and activity timeout, and answers ping', async () => {
    const { port } = await startBaseline();
    const raw = rawClient(port, APP.key);
    const established = await raw.nextEvent('pusher:connection_established');
    const data = established.data as { socket_id: string; activity_timeout: number };
    expect(data.socket_id).toMatch(/^\d+\.\d+$/);
    expect(data.activity_timeout).toBeGreaterThan(0);
    raw.send({ event: 'pusher:ping', data: {} });
    expect((await raw.nextEvent('pusher:pong')).event).toBe('pusher:pong');
  });

  it('delivers an event published with the pusher SDK to pusher-js subscribers, data as sent', async () => {
    const { port, api } = await startBaseline();
    const clients = [pusherClient(port, APP.key), pusherClient(port, APP.key)];
    // Wrapped in an object so the async mapper does not wait for the event itself.
    const waiting = await Promise.all(
      clients.map(async (client) => {
        await connected(client);
        const channel = client.subscribe('orders');
        await nextEvent(channel, 'pusher:subscription_succeeded');
        return { event: nextEvent<{ id: number }>(channel, 'App\\Events\\OrderShipped') };
      }),
    );
    await api.trigger('orders', 'App\\Events\\OrderShipped', { id: 42 });
    for (const { event } of waiting) expect((await event)[0]).toEqual({ id: 42 });
  });

  it('frames broadcasts as Pusher channel events with data as a JSON string', async () => {
    const { port, api } = await startBaseline();
    const raw = rawClient(port, APP.key);
    const wire: Array<{ event: string; channel?: string; data?: unknown }> = [];
    raw.ws.on('message', (d) => wire.push(JSON.parse(d.toString())));
    await raw.socketId();
    raw.send({ event: 'pusher:subscribe', data: { auth: '', channel: 'news' } });
    await raw.nextEvent('pusher_internal:subscription_succeeded', 'news');
    await api.trigger(['news', 'empty'], 'headline', { title: 'hello' });
    await raw.nextEvent('headline');
    expect(wire.at(-1)).toEqual({ event: 'headline', channel: 'news', data: '{"title":"hello"}' });
  });

  it('joins presence channels with a valid signature only, and tells members who joined', async () => {
    const { port } = await startBaseline();
    const channel = 'presence-room';
    const first = rawClient(port, APP.key);
    const second = rawClient(port, APP.key);
    const join = async (client: typeof first, userId: string) => {
      const channelData = JSON.stringify({ user_id: userId, user_info: { name: `User ${userId}` } });
      const auth = channelAuth(APP.key, APP.secret, await client.socketId(), channel, channelData);
      client.send({ event: 'pusher:subscribe', data: { auth, channel_data: channelData, channel } });
      return client.nextEvent('pusher_internal:subscription_succeeded', channel);
    };
    await join(first, '1');
    const succeeded = await join(second, '2');
    expect(succeeded.data).toEqual({ presence: { ids: ['1', '2'], hash: { 1: { name: 'User 1' }, 2: { name: 'User 2' } }, count: 2 } });
    const added = await first.nextEvent('pusher_internal:member_added', channel);
    expect(added.data).toEqual({ user_id: '2', user_info: { name: 'User 2' } });

    const intruder = rawClient(port, APP.key);
    await intruder.socketId();
    intruder.send({ event: 'pusher:subscribe', data: { auth: `${APP.key}:${'0'.repeat(64)}`, channel_data: '{"user_id":"3"}', channel } });
    expect((await intruder.nextEvent('pusher:error')).event).toBe('pusher:error');
  });
});
