/**
 * Issue 11 item 2 against the running server: one client IP cannot take every connection slot
 * (4103), and subscriptions stop at --max-subscriptions (4312) while existing ones keep working.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { CODES } from '../../src/protocol/codes.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { nextPusherError, once, waitForState } from '../helpers/pusher-events.js';
import { rawClient, type RawClient, type RawClientOptions } from '../helpers/raw-client.js';
import { DEFAULT_APP, startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

function start(config: Partial<Config>): Promise<TestSidecar> {
  return startSidecar({ shutdownTimeout: 1, ...config }, { apps: [DEFAULT_APP] });
}

async function open(server: TestSidecar, options: RawClientOptions = {}): Promise<RawClient> {
  const client = rawClient(server.port, server.app.key, options);
  await client.socketId();
  return client;
}

const from = (ip: string): RawClientOptions => ({ headers: { 'X-Forwarded-For': ip } });

describe('--max-connections-per-ip', () => {
  it('closes the connection over the cap with 4103, lets other IPs in, and counts down on close', async () => {
    const server = await start({ maxConnectionsPerIp: 2, maxConnections: 10 });
    const first = await open(server);
    await open(server);
    const third = rawClient(server.port, server.app.key);
    await expect(third.closed).resolves.toMatchObject({ code: 4103 });
    expect(third.wireFrames[0]).toMatchObject({
      event: 'pusher:error', data: JSON.stringify({ code: 4103, message: '127.0.0.1 has 2 of 2 connections (--max-connections-per-ip)' }),
    });
    expect(server.rejections).toEqual([expect.objectContaining({ entry: CODES.tooManyConnectionsFromIp, ip: '127.0.0.1', appId: 'app-id' })]);

    // Another address still gets in: the cap is per client, not the server's capacity.
    await open(server, { localAddress: '127.0.0.2' });

    first.ws.close();
    await first.closed;
    await expect(open(server)).resolves.toBeTruthy();
  });

  it('makes pusher-js back off and retry, and it connects once a slot of its IP frees up', async () => {
    const server = await start({ maxConnectionsPerIp: 1 });
    const holder = await open(server);
    const pusher = pusherClient(server.port, server.app.key);
    expect((await nextPusherError(pusher)).code).toBe(4103);
    expect(pusher.connection.state).not.toBe('disconnected');
    holder.ws.close();
    await waitForState(pusher, 'connected');
  });

  it('counts browsers behind the trusted proxy by X-Forwarded-For, and IPv6 clients per /64', async () => {
    const server = await start({ maxConnectionsPerIp: 1 });
    await open(server, from('203.0.113.1'));
    await open(server, from('203.0.113.2'));
    await expect(rawClient(server.port, server.app.key, from('203.0.113.1')).closed).resolves.toMatchObject({ code: 4103 });

    await open(server, from('2001:db8:1:2::1'));
    await expect(rawClient(server.port, server.app.key, from('2001:db8:1:2:ffff::9')).closed).resolves.toMatchObject({ code: 4103 });
    await open(server, from('2001:db8:1:3::1'));
    expect(server.rejections.map((r) => r.ip)).toEqual(['203.0.113.1', '2001:db8:1:2:ffff::9']);
  });

  it('ignores X-Forwarded-For from peers outside --trust-proxy', async () => {
    const server = await start({ maxConnectionsPerIp: 1, trustProxy: ['10.0.0.0/8'] });
    await open(server, from('203.0.113.1'));
    await expect(rawClient(server.port, server.app.key, from('203.0.113.2')).closed).resolves.toMatchObject({ code: 4103 });
    expect(server.rejections[0]?.ip).toBe('127.0.0.1');
  });
});

describe('--max-subscriptions', () => {
  it('refuses a subscription over the server-wide cap with a non-closing 4312; existing subscriptions keep working', async () => {
    const server = await start({ maxSubscriptions: 3 });
    const a = await open(server);
    for (const channel of ['one', 'two']) {
      a.subscribe(channel);
      await a.nextEvent('pusher_internal:subscription_succeeded', channel);
    }
    const b = await open(server, { localAddress: '127.0.0.2' });
    b.subscribe('one');
    await b.nextEvent('pusher_internal:subscription_succeeded', 'one');
    expect(server.sidecar.hub.subscriptionCount).toBe(3);

    b.subscribe('three');
    const refused = await b.nextEvent('pusher:error');
    expect(refused.data).toEqual({ code: 4312, message: 'Subscription to three refused: Server holds 3 of 3 subscriptions (--max-subscriptions); try again later' });
    expect(server.rejections).toEqual([expect.objectContaining({ entry: CODES.subscriptionCapReached, channel: 'three', ip: '127.0.0.2' })]);

    await server.api().trigger(['one', 'two'], 'still-here', { n: 1 });
    await a.waitForCount('still-here', 2);
    await b.nextEvent('still-here', 'one');
    expect(b.ws.readyState).toBe(b.ws.OPEN);

    // Room comes back on unsubscribe and on disconnect.
    a.send({ event: 'pusher:unsubscribe', data: { channel: 'two' } });
    a.send({ event: 'pusher:ping', data: {} });
    await a.nextEvent('pusher:pong'); // frames of one socket are handled in order
    b.subscribe('three');
    await b.nextEvent('pusher_internal:subscription_succeeded', 'three');
    a.ws.close();
    await a.closed;
    await expect.poll(() => server.sidecar.hub.subscriptionCount).toBe(2);
  });

  it('shows pusher-js the 4312 as an error while it stays connected', async () => {
    const server = await start({ maxSubscriptions: 1 });
    const pusher = pusherClient(server.port, server.app.key);
    await once(pusher.subscribe('first'), 'pusher:subscription_succeeded');
    const error = nextPusherError(pusher);
    pusher.subscribe('second');
    expect(await error).toMatchObject({ code: 4312 });
    expect(pusher.connection.state).toBe('connected');
  });
});
