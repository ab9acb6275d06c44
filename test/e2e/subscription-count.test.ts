/** pusher_internal:subscription_count as pusher-js surfaces it (pusher:subscription_count), per app opt-in. */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { pusherClient } from '../helpers/pusher-client.js';
import { disconnected, once, subscribed } from '../helpers/pusher-events.js';
import { TEST_APP, startSidecar } from '../helpers/start-sidecar.js';

const COUNTING: App = { ...TEST_APP, subscriptionCount: true };

describe('subscription_count', () => {
  it('tells every subscriber the new count when one joins or leaves', async () => {
    const server = await startSidecar({}, { apps: [COUNTING] });
    const first = pusherClient(server.port, COUNTING.key);
    const firstCount = once<{ subscription_count: number }>(first.subscribe('room'), 'pusher:subscription_count');
    expect(await firstCount).toEqual({ subscription_count: 1 });
    const room = first.channel('room');
    const two = once<{ subscription_count: number }>(room, 'pusher:subscription_count');
    const second = pusherClient(server.port, COUNTING.key);
    await subscribed(second, 'room');
    expect(await two).toEqual({ subscription_count: 2 });
    expect((room as unknown as { subscriptionCount: number }).subscriptionCount).toBe(2);
    const back = once<{ subscription_count: number }>(room, 'pusher:subscription_count');
    await disconnected(second);
    expect(await back).toEqual({ subscription_count: 1 });
  });

  it('is off unless the app enables it', async () => {
    const server = await startSidecar();
    const client = pusherClient(server.port, server.app.key);
    const channel = client.subscribe('room');
    const counts: unknown[] = [];
    channel.bind('pusher:subscription_count', (data: unknown) => counts.push(data));
    await once(channel, 'pusher:subscription_succeeded');
    await subscribed(pusherClient(server.port, server.app.key), 'room');
    // Marker: an event published after the second subscription arrives after any count would have.
    const marker = once(channel, 'marker');
    await server.api().trigger('room', 'marker', {});
    await marker;
    expect(counts).toEqual([]);
  });
});
