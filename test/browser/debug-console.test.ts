import { copyFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launchChromium, newPage, requireChromium, screenshot } from '../helpers/chromium.js';
import { startConsoleSidecar } from '../helpers/debug-console.js';
import { authorizedClient, pusherClient } from '../helpers/pusher-client.js';
import { connected, once, subscribed } from '../helpers/pusher-events.js';

const hasChromium = requireChromium();

describe.skipIf(!hasChromium)('debug console in Chromium', () => {
  it('shows a pusher-js client connecting and subscribing, its channel in Now, and filters the log by a clicked channel', async () => {
    const server = await startConsoleSidecar();
    const page = await newPage();
    await page.goto(`${server.consoleUrl}/`);
    await page.locator('#status.live').waitFor();

    const client = pusherClient(server.port, server.app.key);
    const socketId = await connected(client);
    await subscribed(client, 'orders');
    const opened = page.locator(`#log tr[data-kind="connection"]`, { hasText: socketId });
    await opened.first().waitFor();
    expect(await opened.first().textContent()).toContain('opened');
    const subscribedRow = page.locator('#log tr[data-kind="subscription"][data-channel="orders"]');
    await subscribedRow.first().waitFor();
    expect(await subscribedRow.first().textContent()).toContain(socketId);

    const channelRow = page.locator('#channels tr[data-channel="orders"]');
    await channelRow.waitFor();
    expect(await channelRow.textContent()).toContain('1');
    await expect.poll(() => page.locator('#now-connections').textContent()).toBe('1');
    await channelRow.click();
    expect(await page.locator('#filter-channel').inputValue()).toBe('orders');
    const channels = await page.locator('#log tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-channel')));
    expect(channels.length).toBeGreaterThan(0);
    expect(channels.every((channel) => channel === 'orders')).toBe(true);

    // Pause holds new entries (and says how many); resume shows them.
    await page.locator('#pause').click();
    await server.api().trigger('orders', 'while-paused', {});
    await page.locator('#log-note', { hasText: 'paused, 1 new' }).waitFor();
    expect(await page.locator('#log tr[data-kind="api"]').count()).toBe(0);
    await page.locator('#pause').click();
    await page.locator('#log tr[data-kind="api"]', { hasText: 'while-paused' }).waitFor();
  });

  it('shows a 4009 origin rejection and a 4301 client-event rate rejection, each with its code and fix', async () => {
    const server = await startConsoleSidecar({ allowedOrigins: ['https://app.example'], clientEventRate: 1 });
    const page = await newPage(undefined, { viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.consoleUrl}/`);
    await page.locator('#status.live').waitFor();

    const stranger = pusherClient(server.port, server.app.key, { headers: { Origin: 'https://evil.example' } });
    stranger.connect();
    const origin = page.locator('#log tr[data-kind="rejection"][data-code="4009"]').first();
    await origin.waitFor();
    expect(await origin.textContent()).toMatch(/4009[\s\S]*origin_not_allowed[\s\S]*Fix: The page is neither on the host/);

    const chatty = authorizedClient(server.port, server.app, undefined);
    const socketId = await connected(chatty);
    const channel = await subscribed(chatty, 'private-chat');
    const error = once<{ data: { code: number } }>(chatty.connection, 'error');
    for (let i = 0; i < 3; i++) channel.trigger('client-typing', { i });
    expect((await error).data.code).toBe(4301);
    const rate = page.locator('#log tr[data-kind="rejection"][data-code="4301"]').first();
    await rate.waitFor();
    const text = await rate.textContent();
    expect(text).toContain(socketId);
    expect(text).toContain('private-chat');
    expect(text).toMatch(/Fix: .*client/i);

    await page.locator('#filter-code').fill('4301');
    const codes = await page.locator('#log tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-code')));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => code === '4301')).toBe(true);
    await page.locator('#filter-code').fill('');
    // A fresh "Now" sample with the chatty client in it, for the screenshot.
    await page.locator('#channels tr[data-channel="private-chat"]').waitFor();
    const shot = await screenshot(page, 'debug-console');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(shot, new URL('../../docs/debug-console.png', import.meta.url));
  });

  it('sends a test event from the form that a real pusher-js subscriber receives, and logs the result', async () => {
    const server = await startConsoleSidecar();
    const subscriber = pusherClient(server.port, server.app.key);
    const channel = await subscribed(subscriber, 'orders');
    const received = once<unknown>(channel, 'OrderShipped');
    const page = await newPage();
    await page.goto(`${server.consoleUrl}/`);
    await page.locator('#status.live').waitFor();
    await page.locator('#send-app option[value="test-app"]').waitFor({ state: 'attached' });
    await page.locator('#send-channel').fill('orders');
    await page.locator('#send-event').fill('OrderShipped');
    await page.locator('#send-data').fill('{"order":42}');
    await page.locator('#send-button').click();
    expect(await received).toEqual({ order: 42 });
    await page.locator('#send-result.ok').waitFor();
    await page.locator('#log tr[data-kind="api"]', { hasText: 'OrderShipped' }).first().waitFor();
    await page.locator('#log tr[data-kind="console"]', { hasText: 'published from the console' }).first().waitFor();

    await page.locator('#send-data').fill('{not json');
    await page.locator('#send-button').click();
    await page.locator('#send-result.bad', { hasText: 'valid JSON' }).waitFor();
  });

  it('refuses the log and the test event without the token, with a clear message, and opens with it', async () => {
    const server = await startConsoleSidecar({ dashboardToken: 's3cret-console' });
    const browser = await launchChromium();
    const page = await newPage(browser);
    await page.goto(`${server.consoleUrl}/`);
    await page.locator('#status.refused').waitFor();
    expect(await page.locator('#refused').textContent()).toContain('--dashboard-token');
    expect(await page.locator('#token-form').isVisible()).toBe(true);
    await page.locator('#send-channel').fill('orders');
    await page.locator('#send-event').fill('e');
    await page.locator('#send-button').click();
    const refused = page.locator('#send-result.bad');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Refused 401');
    expect(await refused.textContent()).toContain('--dashboard-token');

    await page.locator('#token-input').fill('wrong');
    await page.locator('#token-form button').click();
    await page.locator('#refused', { hasText: 'Wrong console token' }).waitFor();

    const second = await newPage(browser);
    await second.goto(`${server.consoleUrl}/#token=s3cret-console`);
    await second.locator('#status.live').waitFor();
    expect(second.url()).not.toContain('s3cret-console');
  });

  it("runs doctor's checks on the page and shows each verdict with its fix", async () => {
    const server = await startConsoleSidecar({}, { doctor: { dir: '/nonexistent-laravel-project', env: {}, timeoutMs: 1000 } });
    const page = await newPage();
    await page.goto(`${server.consoleUrl}/`);
    await page.locator('#doctor-run').click();
    const env = page.locator('#doctor-results li[data-check="env"][data-status="fail"]');
    await env.waitFor();
    expect(await env.textContent()).toContain('Fix: run pusher-sidecar doctor in the Laravel project root');
    expect(await page.locator('#doctor-results li[data-status="skip"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#doctor-summary').textContent()).toContain('failed');
  });
});
