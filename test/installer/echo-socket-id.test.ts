import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEchoClient, viteEnv, type EchoClient } from '../helpers/echo-client.js';
import { startHandshakeServer, type HandshakeServer } from '../helpers/handshake-only-server.js';
import { install } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';

/**
 * Laravel's echo stub loses X-Socket-ID: bootstrap.js ends with `import './echo'`, imports run
 * first, so Echo starts before `window.axios = axios` and never registers its axios interceptor,
 * and toOthers() silently broadcasts to the sender too (reference Part B4). These tests load the
 * generated front end in Node exactly as a bundle runs it and look at what axios really sends.
 */

let server: HandshakeServer;
let fixture: LaravelFixture;
let client: EchoClient | undefined;

beforeEach(async () => {
  server = await startHandshakeServer();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await server.close();
  fixture.cleanup();
});

async function installedApp(options: Parameters<typeof createLaravelFixture>[0], flags: Record<string, unknown> = {}) {
  fixture = createLaravelFixture(options);
  const result = await install(fixture.root, { yes: true, deps: false, publicHost: '127.0.0.1', publicPort: server.port, scheme: 'http', ...flags });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

async function socketIdHeaderAfterConnecting(entry: string): Promise<string | string[] | undefined> {
  client = await startEchoClient(`${fixture.root}/resources/js`, entry, viteEnv(fixture.read('.env')));
  const { socketId } = await client.call<{ socketId: string }>('connected');
  expect(socketId).toBe(server.socketId);
  await client.call('axios', { url: `http://127.0.0.1:${server.port}/orders` });
  return server.requests.at(-1)?.['x-socket-id'];
}

describe('X-Socket-ID on axios requests after Echo connects', () => {
  it('is set with the stock import order (bootstrap.js imports ./echo last)', async () => {
    await installedApp({ version: 11, frontEnd: 'plain' });
    expect(await socketIdHeaderAfterConnecting('app.js')).toBe(server.socketId);
    // And the helper for fetch() calls agrees.
    expect(await client!.call('socketIdHeaders')).toEqual({ 'X-Socket-ID': server.socketId });
  });

  it('is set exactly once when window.axios exists before Echo, so Echo adds its own too', async () => {
    await installedApp({ version: 12, frontEnd: 'plain' });
    // The other import order: bootstrap (window.axios) first, then echo, both from app.js.
    fixture.write('resources/js/bootstrap.js', fixture.read('resources/js/bootstrap.js').replace(/\n\/\*\*\n \* Echo[\s\S]*$/, '\n'));
    fixture.write('resources/js/app.js', "import './bootstrap';\nimport './echo';\n");
    expect(await socketIdHeaderAfterConnecting('app.js')).toBe(server.socketId);
  });

  it('is set by the TypeScript bootstrap too', async () => {
    fixture = createLaravelFixture({ version: 11, frontEnd: 'plain' });
    fixture.write('resources/js/bootstrap.ts', fixture.read('resources/js/bootstrap.js'));
    fixture.write('resources/js/app.ts', "import './bootstrap';\n");
    fixture.remove('resources/js/bootstrap.js');
    fixture.remove('resources/js/app.js');
    const result = await install(fixture.root, { yes: true, deps: false, publicHost: '127.0.0.1', publicPort: server.port, scheme: 'http' });
    expect(result.code).toBe(0);
    expect(fixture.exists('resources/js/echo.ts')).toBe(true);
    expect(await socketIdHeaderAfterConnecting('app.ts')).toBe(server.socketId);
  });

  const laravelStub = [
    "import Echo from 'laravel-echo';",
    '',
    "import Pusher from 'pusher-js';",
    'window.Pusher = Pusher;',
    '',
    'window.Echo = new Echo({',
    "    broadcaster: 'reverb',",
    '    key: import.meta.env.VITE_REVERB_APP_KEY,',
    '    wsHost: import.meta.env.VITE_REVERB_HOST,',
    '    wsPort: import.meta.env.VITE_REVERB_PORT ?? 80,',
    '    wssPort: import.meta.env.VITE_REVERB_PORT ?? 443,',
    "    forceTLS: (import.meta.env.VITE_REVERB_SCHEME ?? 'https') === 'https',",
    "    enabledTransports: ['ws', 'wss'],",
    '});',
    '',
  ].join('\n');

  it("is missing with Laravel's own echo.js stub and the stock import order (the bug being fixed)", async () => {
    await installedApp({ version: 11, frontEnd: 'plain' });
    fixture.write('resources/js/echo.js', laravelStub);
    expect(await socketIdHeaderAfterConnecting('app.js')).toBeUndefined();
  });

  it("is set by Laravel's own stub only when window.axios comes first (so the order test above means something)", async () => {
    await installedApp({ version: 11, frontEnd: 'plain' });
    fixture.write('resources/js/echo.js', laravelStub);
    fixture.write('resources/js/bootstrap.js', fixture.read('resources/js/bootstrap.js').replace(/\n\/\*\*\n \* Echo[\s\S]*$/, '\n'));
    fixture.write('resources/js/app.js', "import './bootstrap';\nimport './echo';\n");
    expect(await socketIdHeaderAfterConnecting('app.js')).toBe(server.socketId);
  });
});
