import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startFakeLaravel } from '../helpers/fake-laravel.js';
import { connectRaw } from '../helpers/raw-client.js';
import { startBin } from '../helpers/run-bin.js';

/** A port nobody listens on right now (the metrics listener cannot report a port 0 choice). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('pusher-sidecar serve --auth-url (built bin)', () => {
  it('authorizes empty-auth subscriptions through Laravel and shuts the forwarder down cleanly', async () => {
    const laravel = await startFakeLaravel({ key: 'app-key', secret: 'app-secret', users: { s1: { id: '1', name: 'Ada' } } });
    const metricsPort = await freePort();
    const { child, port } = await startBin(['--auth-url', laravel.authUrl, '--max-concurrent-auth', '2', '--metrics-port', String(metricsPort)]);
    const client = connectRaw(`ws://127.0.0.1:${port}/app/app-key?protocol=7`, { headers: { Cookie: 'laravel_session=s1' } });
    await client.established;
    client.subscribe('private-orders.1', '');
    await client.waitFor('pusher_internal:subscription_succeeded', 'private-orders.1');
    expect(laravel.requests).toHaveLength(1);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^pusher_sidecar_auth_forwards_total\{[^}]*outcome="ok"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^pusher_sidecar_auth_forward_duration_seconds_count\{[^}]*outcome="ok"[^}]*\} 1$/m);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"msg":"stopped"');
    expect(result.stdout).not.toContain('laravel_session');
  });
});
