/**
 * An installed Laravel app as a browser meets it: the installer's output (with or without
 * --server-auth) built by Vite, served by a Laravel-shaped app (fake-laravel-app.ts) behind real Caddy with the
 * installer's Caddy snippet, and a running sidecar that forwards auth to that app. The page is
 * driven through window.testPage (test/fixtures/browser/echo-page-*.js).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLaravelAuthForwarder } from '../../src/auth/laravel-auth-forwarder.js';
import { buildFrontEnd } from './build-front-end.js';
import { startCaddy } from './caddy.js';
import { onCleanup } from './cleanup.js';
import { startFakeLaravelApp, type FakeLaravelApp } from './fake-laravel-app.js';
import type { FakeUser } from './fake-laravel.js';
import { freePort } from './free-port.js';
import { TEST_CREDENTIALS, install } from './install-harness.js';
import { createLaravelFixture } from './laravel-fixture.js';
import { startSidecar, type TestSidecar } from './start-sidecar.js';

export type EchoSetUp = 'global' | 'react' | 'vue';

export const USERS: Record<string, FakeUser> = {
  'alice@example.com': { id: '1', name: 'Alice' },
  'bob@example.com': { id: '2', name: 'Bob' },
};

const PAGES = fileURLToPath(new URL('../fixtures/browser/', import.meta.url));

export interface EchoBrowserStack {
  /** The public site, through Caddy. */
  url: string;
  app: FakeLaravelApp;
  server: TestSidecar;
}

/**
 * Laravel 12 with the plain window.Echo front end (`global`), or the React / Vue starter kit
 * (configureEcho); the page is the app's own entry plus the test driver (global), or a driver
 * that imports the generated ./echo and renders components calling useEcho (react, vue).
 */
export interface EchoBrowserStackOptions {
  /** Install with --server-auth (default true). */
  serverAuth?: boolean;
  csrfOnBroadcastAuth?: boolean;
}

export async function startEchoBrowserStack(setUp: EchoSetUp, options: EchoBrowserStackOptions = {}): Promise<EchoBrowserStack> {
  const { serverAuth = true, csrfOnBroadcastAuth = false } = options;
  const fixture = createLaravelFixture({ version: 12, frontEnd: setUp === 'global' ? 'plain' : setUp });
  onCleanup(() => fixture.cleanup());
  const buildDir = join(fixture.root, 'public', 'build');
  const app = await startFakeLaravelApp({
    key: TEST_CREDENTIALS.key, secret: TEST_CREDENTIALS.secret, users: USERS, buildDir,
    scripts: setUp === 'global' ? ['/build/app.js', '/build/driver.js'] : ['/build/driver.js'],
    csrfOnBroadcastAuth,
  });
  const server = await startSidecar({ authUrl: app.authUrl, userAuthUrl: app.userAuthUrl }, {
    apps: [{ id: TEST_CREDENTIALS.id, key: TEST_CREDENTIALS.key, secret: TEST_CREDENTIALS.secret, enabled: true, enableClientMessages: false, maxConnections: 0, webhooks: [] }],
    authForwarder: (logger, config) => createLaravelAuthForwarder(config, logger),
  });
  const caddyPort = await freePort();

  const installed = await install(fixture.root, {
    yes: true, deps: false, serverAuth, ...(serverAuth ? { authUrl: app.authUrl } : {}),
    appId: TEST_CREDENTIALS.id, appKey: TEST_CREDENTIALS.key, appSecret: TEST_CREDENTIALS.secret,
    host: '127.0.0.1', port: server.port, publicHost: '127.0.0.1', publicPort: caddyPort, scheme: 'http',
  });
  expect(installed.code, installed.stdout + installed.stderr).toBe(0);
  // The starter kit's entry (Inertia, not buildable here) loads the generated ./echo the driver loads.
  if (setUp !== 'global') expect(fixture.read(setUp === 'react' ? 'resources/js/app.tsx' : 'resources/js/app.ts')).toMatch(/^import '\.\/echo';$/m);

  copyFileSync(join(PAGES, 'echo-page-common.js'), join(fixture.root, 'resources/js/echo-page-common.js'));
  copyFileSync(join(PAGES, `echo-page-${setUp}.js`), join(fixture.root, 'resources/js/echo-page.js'));
  await buildFrontEnd(fixture.root, setUp === 'global'
    ? { app: 'resources/js/app.js', driver: 'resources/js/echo-page.js' }
    : { driver: 'resources/js/echo-page.js' });

  const caddy = await startCaddy([
    '{', '\tadmin off', '\tauto_https off', '}', '',
    `http://:${caddyPort} {`,
    '\tbind 127.0.0.1',
    `\timport ${fixture.root}/pusher-sidecar.caddy`,
    `\treverse_proxy ${app.url.replace('http://', '')}`,
    '}', '',
  ].join('\n'));
  onCleanup(() => caddy.close());
  return { url: `http://127.0.0.1:${caddyPort}`, app, server };
}

type TestPage = Record<string, (...args: unknown[]) => unknown>;

/** Calls window.testPage[method](...args) in the page and returns its (awaited) result. */
export function callPage<T = unknown>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ({ method, args }) => (globalThis as unknown as { testPage: TestPage }).testPage[method]!(...args),
    { method, args },
  ) as Promise<T>;
}

/** What Echo's .error() callbacks received so far. */
export function pageErrors(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (globalThis as unknown as { testPage: { errors: unknown[] } }).testPage.errors);
}
