import { describe, expect, it } from 'vitest';
import { createLaravelAuthForwarder } from '../../src/auth/laravel-auth-forwarder.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { createSidecar } from '../../src/server.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startFakeLaravel } from '../helpers/fake-laravel.js';
import { TEST_CREDENTIALS, install } from '../helpers/install-harness.js';
import { createLaravelFixture } from '../helpers/laravel-fixture.js';
import { rawClient } from '../helpers/raw-client.js';

/**
 * The installer's --auth-url default is APP_URL/broadcasting/auth (the README says why): an app
 * installed with --server-auth and nothing else authorizes a private channel through Laravel at
 * APP_URL, with the browser's cookie, once `serve` reads the .env it wrote.
 */
describe('--server-auth with the default auth URL', () => {
  it('reaches Laravel at APP_URL with the handshake cookie', async () => {
    const laravel = await startFakeLaravel({ key: TEST_CREDENTIALS.key, secret: TEST_CREDENTIALS.secret, users: { 'alice-session': { id: '1', name: 'Alice' } } });
    const appUrl = new URL(laravel.authUrl).origin;
    const fixture = createLaravelFixture({ version: 12, env: (t) => t.replace('APP_URL=http://localhost', `APP_URL=${appUrl}`) });
    onCleanup(() => fixture.cleanup());
    expect((await install(fixture.root, { yes: true, deps: false, serverAuth: true })).code).toBe(0);
    expect(fixture.read('.env')).toContain(`PUSHER_SIDECAR_AUTH_URL="${appUrl}/broadcasting/auth"`);

    const loaded = loadConfig({ cwd: fixture.root, env: {}, flags: { port: 0, metricsPort: 0 } });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const logger = createLogger({ level: 'silent', format: 'json' });
    const forwarder = createLaravelAuthForwarder(loaded.value.config, logger);
    const sidecar = createSidecar({ loaded: loaded.value, logger, authForwarder: forwarder });
    const { port } = await sidecar.listen();
    onCleanup(async () => {
      await sidecar.close();
      await forwarder.close();
    });

    const client = rawClient(port, TEST_CREDENTIALS.key, { headers: { cookie: 'laravel_session=alice-session' } });
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'private-orders.1', auth: '' } });
    await client.nextEvent('pusher_internal:subscription_succeeded', 'private-orders.1');
    expect(laravel.requests.map((r) => [r.path, r.headers.cookie])).toEqual([['/broadcasting/auth', 'laravel_session=alice-session']]);
  });
});
