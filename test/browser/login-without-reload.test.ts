/**
 * Server-side auth after a login that does not reload the page (Inertia, Livewire
 * wire:navigate, an SPA's fetch() login), in real Chromium through real Caddy.
 *
 * The WebSocket opened as a guest, so the sidecar asks Laravel with a session cookie that the
 * login destroyed, and Laravel refuses. The generated Echo code then asks /broadcasting/auth
 * from the browser (current cookies, current XSRF token) before Echo's .error() hears of the
 * refusal, and keeps doing so for that socket. Both Echo set-ups the installer writes are run:
 * window.Echo and configureEcho (React's useEcho).
 */
import { describe, expect, it } from 'vitest';
import { newPage, requireChromium } from '../helpers/chromium.js';
import { callPage, pageErrors, startEchoBrowserStack, type EchoSetUp } from '../helpers/echo-browser-stack.js';
import { requireBinary } from '../helpers/require-binary.js';

const ready = requireBinary('caddy') && requireChromium();

describe.skipIf(!ready).each<{ setUp: EchoSetUp }>([{ setUp: 'global' }, { setUp: 'react' }, { setUp: 'vue' }])('$setUp Echo with --server-auth', ({ setUp }) => {
  it('subscribes a guest page to its user channel after a fetch() login, with no reload', async () => {
    // CSRF checked on /broadcasting/auth too (auth:sanctum style): the browser's retry must
    // carry the token the login renewed, not the page's.
    const { url, app, server } = await startEchoBrowserStack(setUp, { csrfOnBroadcastAuth: true });
    const page = await newPage();
    await page.goto(url);
    const socketId = await callPage<string>(page, 'connected');

    expect(await callPage(page, 'login', 'alice@example.com')).toEqual({ status: 200, user: { id: 1, name: 'Alice' } });
    await callPage(page, 'listen', 'App.Models.User.1', 'OrderShipped');
    await server.api().trigger('private-App.Models.User.1', 'App\\Events\\OrderShipped', { id: 7 });
    expect(await callPage(page, 'nextEvent')).toEqual({ channel: 'App.Models.User.1', event: 'OrderShipped', data: { id: 7 } });

    // The sidecar's attempt (stale cookie) was refused; the browser's succeeded; .error() never fired.
    expect(app.authRequests).toEqual([
      { path: '/broadcasting/auth', channel: 'private-App.Models.User.1', from: 'sidecar', status: 419 },
      { path: '/broadcasting/auth', channel: 'private-App.Models.User.1', from: 'browser', status: 200 },
    ]);
    expect(await pageErrors(page)).toEqual([]);

    // The rest of this socket's channels go straight to the browser's own request.
    await callPage(page, 'listen', 'orders.1', 'OrderShipped');
    expect(app.authRequests.slice(2)).toEqual([{ path: '/broadcasting/auth', channel: 'private-orders.1', from: 'browser', status: 200 }]);
    if (setUp === 'global') {
      // Presence too: the browser's reply carries Laravel's channel_data, so members are right.
      expect(await callPage(page, 'join', 'chat')).toEqual([{ id: 1, name: 'Alice' }]);
      expect(app.authRequests.slice(3)).toEqual([{ path: '/broadcasting/auth', channel: 'presence-chat', from: 'browser', status: 200 }]);
    }
    // Same socket, same page: no reconnect, no reload.
    expect(await callPage<string>(page, 'connected')).toBe(socketId);
    expect(app.pageViews).toBe(1);
  });

  it('after a reload, the new socket carries the new session: the sidecar alone asks Laravel, and the event arrives', async () => {
    const { url, app, server } = await startEchoBrowserStack(setUp);
    const page = await newPage();
    await page.goto(url);
    await callPage(page, 'connected');
    expect(await callPage(page, 'login', 'alice@example.com')).toMatchObject({ status: 200 });
    await page.reload();
    await callPage(page, 'connected');

    await callPage(page, 'listen', 'App.Models.User.1', 'OrderShipped');
    await server.api().trigger('private-App.Models.User.1', 'App\\Events\\OrderShipped', { id: 8 });
    expect(await callPage(page, 'nextEvent')).toEqual({ channel: 'App.Models.User.1', event: 'OrderShipped', data: { id: 8 } });
    expect(app.authRequests).toEqual([{ path: '/broadcasting/auth', channel: 'private-App.Models.User.1', from: 'sidecar', status: 200 }]);
  });
});

describe.skipIf(!ready)('a refusal Laravel repeats to the browser', () => {
  it('reaches .error() once, with Laravel\'s answer to the browser', async () => {
    const { url, app } = await startEchoBrowserStack('global');
    const page = await newPage();
    await page.goto(url);
    await callPage(page, 'connected');
    expect(await callPage(page, 'login', 'bob@example.com')).toMatchObject({ status: 200 });

    await expect(callPage(page, 'listen', 'App.Models.User.1', 'OrderShipped')).rejects.toThrow(/subscription error on App\.Models\.User\.1.*403/);
    expect(app.authRequests.map((r) => [r.from, r.status])).toEqual([['sidecar', 403], ['browser', 403]]);
    expect(await pageErrors(page)).toHaveLength(1);
  });
});
