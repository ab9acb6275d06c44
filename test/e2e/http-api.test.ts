import { createHash } from 'node:crypto';
import Pusher from 'pusher';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { rawClient } from '../helpers/raw-client.js';
import { channelAuth, sign } from '../helpers/signing.js';
import { TEST_APP, startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

/** Raw signed request written from the Pusher REST docs, to probe what the SDK won't send. */
async function signedRequest(server: TestSidecar, method: 'GET' | 'POST', path: string, body = '', extra: Record<string, string> = {}, secret = server.app.secret) {
  const params: Record<string, string> = {
    auth_key: server.app.key, auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0', ...extra,
  };
  if (body) params.body_md5 ??= createHash('md5').update(body).digest('hex');
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signature = sign(secret, `${method}\n${path}\n${query}`);
  const qs = new URLSearchParams({ ...params, auth_signature: signature }).toString();
  const res = await request(`${server.url}${path}?${qs}`, { method, body: body || undefined, headers: { 'content-type': 'application/json' } });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function subscribed(server: TestSidecar, channel: string, userId?: string) {
  const client = rawClient(server.port, server.app.key);
  const socketId = await client.socketId();
  const data = userId ? JSON.stringify({ user_id: userId }) : undefined;
  const auth = channel.startsWith('private-') || channel.startsWith('presence-') ? channelAuth(server.app.key, server.app.secret, socketId, channel, data) : '';
  client.send({ event: 'pusher:subscribe', data: { channel, auth, ...(data ? { channel_data: data } : {}) } });
  await client.nextEvent('pusher_internal:subscription_succeeded', channel);
  return client;
}

describe('HTTP API', () => {
  it('answers a publish with 200 {} and with channel info when asked', async () => {
    const server = await startSidecar();
    await subscribed(server, 'presence-p', 'u1');
    await subscribed(server, 'room');
    await subscribed(server, 'room');
    const plain = await server.api().trigger('room', 'e', '1');
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({});
    const withInfo = await server.api().trigger(['room', 'presence-p'], 'e', '1', { info: 'subscription_count,user_count' });
    expect(await withInfo.json()).toEqual({ channels: { room: { subscription_count: 2 }, 'presence-p': { user_count: 1 } } });
  });

  it('publishes a batch and reports per-event info', async () => {
    const server = await startSidecar();
    const client = await subscribed(server, 'b1');
    const res = await server.api().triggerBatch([
      { channel: 'b1', name: 'one', data: '1' },
      { channel: 'b2', name: 'two', data: '2', info: 'subscription_count' },
    ]);
    expect(await res.json()).toEqual({ batch: [{}, { subscription_count: 0 }] });
    expect((await client.nextEvent('one')).data).toBe(1);
  });

  it('lists occupied channels as an object, with prefix filter and user_count', async () => {
    const server = await startSidecar();
    await subscribed(server, 'presence-a', '1');
    await subscribed(server, 'presence-a', '2');
    await subscribed(server, 'news');
    const all = await (await server.api().get({ path: '/channels' })).json();
    expect(all).toEqual({ channels: { 'presence-a': {}, news: {} } });
    const presence = await (await server.api().get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
    expect(presence).toEqual({ channels: { 'presence-a': { user_count: 2 } } });
    const empty = await (await server.api().get({ path: '/channels', params: { filter_by_prefix: 'nothing-' } })).json();
    expect(empty).toEqual({ channels: {} });
    const bad = await signedRequest(server, 'GET', `/apps/${server.app.id}/channels`, '', { info: 'user_count' });
    expect(bad.status).toBe(400);
  });

  it('describes one channel and refuses attributes of the wrong type with 400', async () => {
    const server = await startSidecar();
    await subscribed(server, 'solo');
    const info = await (await server.api().get({ path: '/channels/solo', params: { info: 'subscription_count' } })).json();
    expect(info).toEqual({ occupied: true, subscription_count: 1 });
    const unoccupied = await (await server.api().get({ path: '/channels/ghost' })).json();
    expect(unoccupied).toEqual({ occupied: false });
    expect((await signedRequest(server, 'GET', `/apps/${server.app.id}/channels/solo`, '', { info: 'user_count' })).status).toBe(400);
    expect((await signedRequest(server, 'GET', `/apps/${server.app.id}/channels/solo/users`)).status).toBe(400);
  });

  it('rejects bad signatures, stale timestamps and body tampering with 401 {error, code}', async () => {
    const server = await startSidecar();
    const path = `/apps/${server.app.id}/events`;
    const body = JSON.stringify({ name: 'x', channel: 'c', data: '{}' });
    expect((await signedRequest(server, 'POST', path, body)).status).toBe(200);
    const wrongSecret = await signedRequest(server, 'POST', path, body, {}, 'not-the-secret');
    expect(wrongSecret).toMatchObject({ status: 401, body: { code: 401 } });
    expect(String(wrongSecret.body.error)).not.toContain(server.app.secret);
    const stale = await signedRequest(server, 'POST', path, body, { auth_timestamp: String(Math.floor(Date.now() / 1000) - 601) });
    expect(stale.status).toBe(401);
    expect(String(stale.body.error)).toContain('600');
    const tampered = await signedRequest(server, 'POST', path, body, { body_md5: createHash('md5').update('other').digest('hex') });
    expect(tampered.status).toBe(401);
    await expect(new Pusher({ appId: server.app.id, key: server.app.key, secret: 'wrong', host: '127.0.0.1', port: String(server.port), useTLS: false }).trigger('c', 'e', '1')).rejects.toMatchObject({ status: 401 });
  });

  it('answers 404 for an unknown app or route, 403 for a disabled app, 405 for the wrong method', async () => {
    const disabled: App = { ...TEST_APP, id: 'off', key: 'off-key', enabled: false };
    const server = await startSidecar({}, { apps: [TEST_APP, disabled] });
    const unknown = await request(`${server.url}/apps/nope/events`, { method: 'POST', body: '{}' });
    expect(unknown.statusCode).toBe(404);
    expect(await unknown.body.json()).toMatchObject({ code: 404 });
    expect((await request(`${server.url}/nowhere`)).statusCode).toBe(404);
    await expect(server.api(disabled).trigger('c', 'e', '1')).rejects.toMatchObject({ status: 403 });
    expect((await signedRequest(server, 'GET', `/apps/${server.app.id}/events`)).status).toBe(405);
    // Near misses of real routes: an empty or extra segment is no route, even when signed.
    for (const path of ['/apps//events', `/apps/${server.app.id}/events/`, `/apps/${server.app.id}/channels/`, `/apps/${server.app.id}/channels//users`, `/apps/${server.app.id}/users/terminate_connections`, `/apps/${server.app.id}/event`]) {
      expect((await signedRequest(server, 'GET', path)).status, path).toBe(404);
    }
    expect((await signedRequest(server, 'GET', `/apps/${server.app.id}/channels/presence-x/users`)).status).toBe(200);
  });

  it('enforces payload size (413), 100 channels, 10 batch events, valid names and JSON (400)', async () => {
    const server = await startSidecar({ maxPayloadSize: 100 });
    const path = `/apps/${server.app.id}/events`;
    const big = await signedRequest(server, 'POST', path, JSON.stringify({ name: 'e', channel: 'c', data: 'x'.repeat(101) }));
    expect(big).toMatchObject({ status: 413, body: { code: 413 } });
    const many = Array.from({ length: 101 }, (_, i) => `c${i}`);
    expect((await signedRequest(server, 'POST', path, JSON.stringify({ name: 'e', channels: many, data: '1' }))).status).toBe(400);
    const batch = Array.from({ length: 11 }, () => ({ name: 'e', channel: 'c', data: '1' }));
    expect((await signedRequest(server, 'POST', `/apps/${server.app.id}/batch_events`, JSON.stringify({ batch }))).status).toBe(400);
    expect((await signedRequest(server, 'POST', path, JSON.stringify({ name: 'e', channel: 'bad name!', data: '1' }))).status).toBe(400);
    expect((await signedRequest(server, 'POST', path, '{not json')).status).toBe(400);
    expect((await signedRequest(server, 'POST', path, JSON.stringify({ channel: 'c', data: '1' }))).body.error).toContain('name');
    const mixed = await signedRequest(server, 'POST', path, JSON.stringify({ name: 'e', channels: ['private-encrypted-a', 'b'], data: '1' }));
    expect(mixed.status).toBe(400);
    const huge = await signedRequest(server, 'POST', path, JSON.stringify({ name: 'e', channel: 'c', data: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);
  });

  it('accepts Laravel event names with backslashes and the PHP json_encode of data', async () => {
    const server = await startSidecar();
    const client = await subscribed(server, 'private-App.Models.User.1');
    const data = JSON.stringify({ url: 'https://x.test/a' }).replace(/\//g, '\\/');
    const res = await signedRequest(server, 'POST', `/apps/${server.app.id}/events`, JSON.stringify({ name: 'Illuminate\\Notifications\\Events\\BroadcastNotificationCreated', channel: 'private-App.Models.User.1', data }));
    expect(res.status).toBe(200);
    const frame = await client.nextEvent('Illuminate\\Notifications\\Events\\BroadcastNotificationCreated');
    expect(frame.data).toEqual({ url: 'https://x.test/a' });
  });

  it('serves /up and /ready', async () => {
    const server = await startSidecar();
    const up = await request(`${server.url}/up`);
    expect(up.statusCode).toBe(200);
    expect(await up.body.json()).toEqual({ status: 'ok' });
    const ready = await request(`${server.url}/ready`);
    expect(await ready.body.json()).toEqual({ ready: true });
  });
});
