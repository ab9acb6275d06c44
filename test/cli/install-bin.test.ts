import { afterEach, describe, expect, it } from 'vitest';
import { disconnectAll, rawClient } from '../helpers/clients.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { runBin, startBin } from '../helpers/run-bin.js';

let fixture: LaravelFixture | undefined;

afterEach(() => {
  disconnectAll();
  fixture?.cleanup();
  fixture = undefined;
});

describe('pusher-sidecar install, then serve (built bin, as a user runs them)', () => {
  it('wires a Laravel 12 app non-interactively, and serve picks up the written .env', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'plain' });
    const install = await runBin(['install', '--yes', '--no-deps'], { cwd: fixture.root, env: { PATH: process.env.PATH ?? '' } });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(install.stdout).toContain('pusher-sidecar serve');
    const env = fixture.read('.env');
    expect(env).toMatch(/^BROADCAST_CONNECTION=reverb$/m);
    const key = /^REVERB_APP_KEY=(.+)$/m.exec(env)![1]!.replace(/"/g, '');

    const again = await runBin(['install', '--yes', '--no-deps'], { cwd: fixture.root, env: { PATH: process.env.PATH ?? '' } });
    expect(again.exitCode).toBe(0);
    expect(again.stdout.toLowerCase()).toContain('already configured');

    const { child, port, lines } = await startBin([], { cwd: fixture.root });
    expect(lines.join('\n')).not.toContain('for local development only');
    await rawClient(port, key).socketId();
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });
});
