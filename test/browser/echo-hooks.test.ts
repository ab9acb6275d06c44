/**
 * The installer's configureEcho file for React and Vue, as installed by default (no
 * --server-auth), run for real: built by Vite with @laravel/echo-react / -vue, loaded in Chromium
 * through Caddy, a component's useEcho subscribes to a private channel (Echo's own request to
 * /broadcasting/auth) on a running sidecar and receives an event published with the `pusher` SDK.
 * The --server-auth variant runs in login-without-reload.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { newPage, requireChromium } from '../helpers/chromium.js';
import { callPage, pageErrors, startEchoBrowserStack, type EchoSetUp } from '../helpers/echo-browser-stack.js';
import { requireBinary } from '../helpers/require-binary.js';

const ready = requireBinary('caddy') && requireChromium();

describe.skipIf(!ready).each<{ setUp: EchoSetUp }>([{ setUp: 'react' }, { setUp: 'vue' }])('$setUp configureEcho, default install', ({ setUp }) => {
  it('useEcho receives an event on a private channel the browser authorized', async () => {
    const { url, app, server } = await startEchoBrowserStack(setUp, { serverAuth: false });
    const page = await newPage();
    await page.goto(url);
    expect(await callPage(page, 'login', 'alice@example.com')).toMatchObject({ status: 200 });
    await page.reload();
    await callPage(page, 'connected');

    await callPage(page, 'listen', 'App.Models.User.1', 'OrderShipped');
    await server.api().trigger('private-App.Models.User.1', 'App\\Events\\OrderShipped', { id: 9 });
    expect(await callPage(page, 'nextEvent')).toEqual({ channel: 'App.Models.User.1', event: 'OrderShipped', data: { id: 9 } });
    expect(app.authRequests).toEqual([{ path: '/broadcasting/auth', channel: 'private-App.Models.User.1', from: 'browser', status: 200 }]);
    expect(await pageErrors(page)).toEqual([]);
  });
});
