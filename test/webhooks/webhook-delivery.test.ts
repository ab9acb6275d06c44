import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import type { App, WebhookEventName } from '../../src/apps/app.js';
import { WEBHOOK_EVENT_NAMES } from '../../src/config/schema.js';
import type { Logger } from '../../src/logging/logger.js';
import type { WebhookEvent } from '../../src/webhooks/webhook-event.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/webhooks/webhook-dispatcher.js';
import type { WebhookDropReason, WebhookStats } from '../../src/webhooks/webhook-stats.js';
import { startWebhookReceiver, type ReceivedWebhook, type Reply, type WebhookReceiver } from '../helpers/ops-webhook-receiver.js';
import { connected, disconnectAll, type PusherClient } from '../helpers/clients.js';
import { authorizedClient, captureLogger, disconnected, silentLogger, subscribed } from '../helpers/ops-sidecar.js';
import { TEST_APP, startSidecar, stopAll, type TestSidecar } from '../helpers/start-sidecar.js';

function isValidForSdk(app: App, request: ReceivedWebhook): boolean {
  const sdk = new Pusher({ appId: app.id, key: app.key, secret: app.secret, cluster: 'mt1' });
  return sdk.webhook({ headers: request.headers, rawBody: request.rawBody }).isValid();
}

/** Counts what the dispatcher reports and lets a test wait for a total. */
function recordingStats() {
  const dropped = new Map<WebhookDropReason, number>();
  let retried = 0;
  let waiters: Array<() => void> = [];
  const changed = () => {
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  };
  const stats: WebhookStats = {
    webhookRetried: () => {
      retried++;
      changed();
    },
    webhookDropped: (_appId, reason, events) => {
      dropped.set(reason, (dropped.get(reason) ?? 0) + events);
      changed();
    },
  };
  const until = (check: () => boolean) => new Promise<void>((resolve) => {
    const attempt = () => (check() ? resolve() : waiters.push(attempt));
    attempt();
  });
  return {
    stats,
    dropped: (reason: WebhookDropReason) => dropped.get(reason) ?? 0,
    retried: () => retried,
    untilDropped: (reason: WebhookDropReason, events: number) => until(() => (dropped.get(reason) ?? 0) >= events),
  };
}

describe('webhooks delivered to a real receiver', () => {
  let receiver: WebhookReceiver | undefined;
  let server: TestSidecar | undefined;
  let dispatcher: WebhookDispatcher | undefined;

  afterEach(async () => {
    disconnectAll();
    await stopAll();
    await dispatcher?.destroy();
    await receiver?.close();
    server = dispatcher = receiver = undefined;
  });

  async function setup(options: {
    reply?: (n: number) => Reply;
    events?: WebhookEventName[];
    dispatcher?: Partial<WebhookDispatcherOptions>;
    logger?: Logger;
    shutdownTimeout?: number;
  } = {}) {
    receiver = await startWebhookReceiver(options.reply);
    const app: App = { ...TEST_APP, webhooks: [{ url: receiver.url, events: options.events ?? [...WEBHOOK_EVENT_NAMES] }] };
    const logger = options.logger ?? silentLogger();
    dispatcher = new WebhookDispatcher({
      apps: [app], logger,
      batchMs: 5, vacateDelayMs: 10, maxAgeMs: 60_000, queueSize: 1000, timeoutMs: 2000, retryBaseMs: 5, retryMaxMs: 20,
      ...options.dispatcher,
    });
    server = await startSidecar({ shutdownTimeout: options.shutdownTimeout ?? 5 }, { apps: [app], observers: [dispatcher], logger });
    return { app, receiver, dispatcher, server };
  }

  function client(app: App, user?: { id: string; info?: unknown }): PusherClient {
    return authorizedClient(server!.port, app, user);
  }

  it('sends every event type in Pusher\'s format, signed so the pusher SDK verifies it', async () => {
    const { app, receiver } = await setup();
    const alice = client(app, { id: 'u1', info: { name: 'Alice' } });
    const aliceSocket = await connected(alice);
    const room = await subscribed(alice, 'presence-room');
    await subscribed(alice, 'cache-news');
    const chat = await subscribed(alice, 'private-chat');
    const bob = client(app, { id: 'u2' });
    await subscribed(bob, 'presence-room');
    await receiver.waitForEvent((e) => e.name === 'member_added' && e.user_id === 'u2');

    room.trigger('client-typing', { typing: true });
    chat.trigger('client-note', 'plain text');
    await receiver.waitForEvent((e) => e.name === 'client_event' && e.channel === 'private-chat');
    await disconnected(alice);
    await receiver.waitForEvent((e) => e.name === 'member_removed');
    await receiver.waitForEvent((e) => e.name === 'channel_vacated' && e.channel === 'private-chat');
    await receiver.waitForEvent((e) => e.name === 'channel_vacated' && e.channel === 'cache-news');

    const events = receiver.delivered();
    const expected: WebhookEvent[] = [
      { name: 'channel_occupied', channel: 'presence-room' },
      { name: 'member_added', channel: 'presence-room', user_id: 'u1' },
      { name: 'channel_occupied', channel: 'cache-news' },
      { name: 'cache_miss', channel: 'cache-news' },
      { name: 'subscription_count', channel: 'cache-news', subscription_count: 1 },
      { name: 'channel_occupied', channel: 'private-chat' },
      { name: 'subscription_count', channel: 'private-chat', subscription_count: 1 },
      { name: 'member_added', channel: 'presence-room', user_id: 'u2' },
      { name: 'client_event', channel: 'presence-room', event: 'client-typing', data: '{"typing":true}', socket_id: aliceSocket, user_id: 'u1' },
      { name: 'client_event', channel: 'private-chat', event: 'client-note', data: 'plain text', socket_id: aliceSocket },
      { name: 'member_removed', channel: 'presence-room', user_id: 'u1' },
      { name: 'subscription_count', channel: 'cache-news', subscription_count: 0 },
      { name: 'subscription_count', channel: 'private-chat', subscription_count: 0 },
      { name: 'channel_vacated', channel: 'cache-news' },
      { name: 'channel_vacated', channel: 'private-chat' },
    ];
    expect(events).toHaveLength(expected.length);
    expect(events).toEqual(expect.arrayContaining(expected));
    // Joins come before the leaves that follow them.
    expect(events.findIndex((e) => e.name === 'member_added')).toBeLessThan(events.findIndex((e) => e.name === 'member_removed'));
    for (const request of receiver.requests) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-pusher-key']).toBe(app.key);
      expect(Object.keys(request.body)).toEqual(['time_ms', 'events']);
      expect(isValidForSdk(app, request)).toBe(true);
      expect(isValidForSdk({ ...app, secret: 'another-secret' }, request)).toBe(false);
    }
  });

  it('batches events raised within the window into one request', async () => {
    const { app, receiver, dispatcher } = await setup({ events: ['channel_occupied'], dispatcher: { batchMs: 60_000 } });
    const c = client(app);
    for (const name of ['a', 'b', 'c']) await subscribed(c, name);
    expect(receiver.requests).toHaveLength(0);
    await dispatcher.close();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body.events.map((e) => e.channel)).toEqual(['a', 'b', 'c']);
  });

  it('splits a batch that exceeds the events-per-request cap', async () => {
    const { app, receiver, dispatcher } = await setup({ events: ['channel_occupied'], dispatcher: { batchMs: 60_000, maxEventsPerRequest: 2 } });
    const c = client(app);
    for (const name of ['a', 'b', 'c']) await subscribed(c, name);
    await dispatcher.close();
    expect(receiver.requests.map((r) => r.body.events.map((e) => e.channel))).toEqual([['a', 'b'], ['c']]);
  });

  it('cancels channel_vacated and member_removed when the channel or member comes back within the delay', async () => {
    const { app, receiver, dispatcher } = await setup({
      events: ['channel_occupied', 'channel_vacated', 'member_added', 'member_removed'],
      dispatcher: { batchMs: 0, vacateDelayMs: 60_000 },
    });
    const first = client(app, { id: 'u1' });
    await subscribed(first, 'presence-room');
    await receiver.waitForEvent((e) => e.name === 'member_added');
    // Unsubscribe + resubscribe on one socket, then a page reload: a new socket for the same user.
    first.unsubscribe('presence-room');
    await subscribed(first, 'presence-room');
    const reloaded = client(app, { id: 'u1' });
    await disconnected(first);
    await subscribed(reloaded, 'presence-room');
    await dispatcher.close();
    expect(receiver.delivered()).toEqual([
      { name: 'channel_occupied', channel: 'presence-room' },
      { name: 'member_added', channel: 'presence-room', user_id: 'u1' },
    ]);
  });

  it('sends channel_vacated and member_removed once the delay passes without a return', async () => {
    const { app, receiver } = await setup({ events: ['channel_vacated', 'member_removed'], dispatcher: { vacateDelayMs: 20 } });
    const c = client(app, { id: 'u9' });
    await subscribed(c, 'presence-lobby');
    c.unsubscribe('presence-lobby');
    await receiver.waitForEvent((e) => e.name === 'channel_vacated');
    expect(receiver.delivered()).toEqual([
      { name: 'member_removed', channel: 'presence-lobby', user_id: 'u9' },
      { name: 'channel_vacated', channel: 'presence-lobby' },
    ]);
  });

  it('retries network errors, 5xx and 429 with the same signed body until the receiver accepts', async () => {
    const failures: Reply[] = [503, 'reset', 429];
    const recorded = recordingStats();
    const { app, receiver } = await setup({ reply: (n) => failures[n] ?? 200, events: ['channel_occupied'], dispatcher: { stats: recorded.stats } });
    await subscribed(client(app), 'orders');
    const requests = await receiver.waitForRequests(failures.length + 1);
    await receiver.waitForEvent((e) => e.name === 'channel_occupied');
    expect(new Set(requests.map((r) => r.rawBody)).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers['x-pusher-signature'])).size).toBe(1);
    expect(isValidForSdk(app, requests.at(-1)!)).toBe(true);
    expect(receiver.delivered()).toEqual([{ name: 'channel_occupied', channel: 'orders' }]);
    expect(recorded.retried()).toBe(failures.length);
    expect(receiver.requests).toHaveLength(failures.length + 1);
  });

  it('does not retry a request the receiver refuses with a 4xx, and counts the drop', async () => {
    const recorded = recordingStats();
    const { logger, lines } = captureLogger();
    const { app, receiver } = await setup({ reply: () => 404, events: ['channel_occupied'], logger, dispatcher: { stats: recorded.stats } });
    await subscribed(client(app), 'orders');
    await recorded.untilDropped('rejected', 1);
    expect(receiver.requests).toHaveLength(1);
    const warning = lines().find((l) => l.msg?.toString().includes('HTTP 404'));
    expect(warning).toMatchObject({ level: 40, status: 404, url: expect.stringContaining('/pusher/webhooks') });
    // The receiver URL's query (often a token) never reaches the logs.
    expect(JSON.stringify(lines())).not.toContain('t0ps3cret');
  });

  it('gives up once --webhook-max-age is reached, counting and logging the drop', async () => {
    const recorded = recordingStats();
    const { logger, lines } = captureLogger();
    const { app, receiver } = await setup({ reply: () => 500, events: ['channel_occupied'], logger, dispatcher: { stats: recorded.stats, maxAgeMs: 30 } });
    await subscribed(client(app), 'orders');
    await recorded.untilDropped('expired', 1);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    expect(lines().some((l) => l.level === 40 && String(l.msg).includes('max-age'))).toBe(true);
  });

  it('drops events beyond --webhook-queue-size, counted and logged, and delivers the rest', async () => {
    const recorded = recordingStats();
    const { logger, lines } = captureLogger();
    const { app, receiver, dispatcher } = await setup({
      reply: (n) => (n === 0 ? 'hang' : 200), events: ['channel_occupied'], logger, dispatcher: { stats: recorded.stats, queueSize: 2, batchMs: 0 },
    });
    const c = client(app);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await subscribed(c, name);
    await recorded.untilDropped('queue_full', 3);
    expect(dispatcher.backlog).toBe(2);
    const warnings = lines().filter((l) => String(l.msg).includes('webhook queue full'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toMatchObject({ level: 40, dropped: 1 });
    receiver.release();
    await dispatcher.close();
    expect(receiver.delivered().map((e) => e.channel)).toEqual(['a', 'b']);
    expect(dispatcher.backlog).toBe(0);
  });

  it('bounds the queue per receiver, so a dead receiver does not starve a healthy one', async () => {
    const recorded = recordingStats();
    const healthy = await startWebhookReceiver();
    try {
      receiver = await startWebhookReceiver(() => 'hang');
      const app: App = { ...TEST_APP, webhooks: [{ url: receiver.url, events: ['channel_occupied'] }, { url: healthy.url, events: ['channel_occupied'] }] };
      const logger = silentLogger();
      dispatcher = new WebhookDispatcher({ apps: [app], logger, stats: recorded.stats, batchMs: 0, vacateDelayMs: 0, maxAgeMs: 60_000, queueSize: 2, timeoutMs: 5000 });
      // The dead receiver never answers: do not let shutdown wait the usual timeout for it.
      server = await startSidecar({ shutdownTimeout: 0.05 }, { apps: [app], observers: [dispatcher], logger });
      const c = client(app);
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        await subscribed(c, name);
        await healthy.waitForEvent((e) => e.channel === name);
      }
      expect(healthy.delivered().map((e) => e.channel)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(recorded.dropped('queue_full')).toBe(3);
    } finally {
      await healthy.close();
    }
  });

  it('flushes batched and delayed events when the server shuts down', async () => {
    const { app, receiver, server } = await setup({
      events: ['channel_occupied', 'channel_vacated', 'member_added', 'member_removed'],
      dispatcher: { batchMs: 60_000, vacateDelayMs: 60_000 },
    });
    await subscribed(client(app, { id: 'u1' }), 'presence-room');
    expect(receiver.requests).toHaveLength(0);
    await server.close();
    expect(receiver.delivered()).toEqual([
      { name: 'channel_occupied', channel: 'presence-room' },
      { name: 'member_added', channel: 'presence-room', user_id: 'u1' },
      { name: 'member_removed', channel: 'presence-room', user_id: 'u1' },
      { name: 'channel_vacated', channel: 'presence-room' },
    ]);
  });

  it('gives a batch that is backing off one prompt attempt at shutdown', async () => {
    const { app, receiver, server } = await setup({
      reply: (n) => (n === 0 ? 503 : 200), events: ['channel_occupied'], dispatcher: { retryBaseMs: 600_000, retryMaxMs: 600_000 },
    });
    await subscribed(client(app), 'orders');
    await receiver.waitForRequests(1);
    await server.close();
    expect(receiver.delivered()).toEqual([{ name: 'channel_occupied', channel: 'orders' }]);
  });

  it('counts what the shutdown timeout cuts off as dropped', async () => {
    const recorded = recordingStats();
    const { app, receiver, server, dispatcher } = await setup({
      reply: () => 'hang', events: ['channel_occupied', 'channel_vacated'], shutdownTimeout: 0.1, dispatcher: { stats: recorded.stats },
    });
    await subscribed(client(app), 'orders');
    await receiver.waitForRequests(1);
    await server.close();
    await dispatcher.destroy();
    expect(recorded.dropped('shutdown')).toBe(2);
    expect(dispatcher.backlog).toBe(0);
  });

  it('signs each app\'s webhooks with that app\'s own key and secret and never mixes their events', async () => {
    receiver = await startWebhookReceiver();
    const one: App = { ...TEST_APP, id: 'one', key: 'key-one', secret: 'secret-one', webhooks: [{ url: receiver.url, events: ['channel_occupied'] }] };
    const two: App = { ...TEST_APP, id: 'two', key: 'key-two', secret: 'secret-two', webhooks: [{ url: receiver.url, events: ['channel_occupied'] }] };
    const logger = silentLogger();
    dispatcher = new WebhookDispatcher({ apps: [one, two], logger, batchMs: 50, vacateDelayMs: 10, maxAgeMs: 1000, queueSize: 100, timeoutMs: 1000 });
    server = await startSidecar({}, { apps: [one, two], observers: [dispatcher], logger });
    await subscribed(client(one), 'for-one');
    await subscribed(client(two), 'for-two');
    await dispatcher.close();
    expect(receiver.requests).toHaveLength(2);
    for (const request of receiver.requests) {
      const app = request.headers['x-pusher-key'] === 'key-one' ? one : two;
      expect(request.body.events).toEqual([{ name: 'channel_occupied', channel: app === one ? 'for-one' : 'for-two' }]);
      expect(isValidForSdk(app, request)).toBe(true);
    }
  });
});
