import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { install } from '../helpers/install-harness.js';
import { createLaravelFixture, type FixtureVersion, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { captureIO } from '../helpers/ops-sidecar.js';

/**
 * The doctor must agree with the installer: a project `pusher-sidecar install --yes` just wired
 * passes every file check (the live ones need running servers and are covered in doctor.test.ts).
 */
let fixture: LaravelFixture | undefined;
afterEach(() => fixture?.cleanup());

describe('pusher-sidecar doctor after pusher-sidecar install', () => {
  it.each([10, 11, 12] as FixtureVersion[])('passes the file checks on a Laravel %i app', async (version) => {
    fixture = createLaravelFixture({ version });
    expect((await install(fixture.root, { yes: true })).code).toBe(0);
    // The installer prints this line for the user to add; do what they would.
    fixture.write('Caddyfile', 'localhost {\n\timport pusher-sidecar.caddy\n\tphp_server\n}\n');
    const { io, stdout } = captureIO(fixture.root);
    const code = await main(['node', 'pusher-sidecar', 'doctor', '--skip', 'up,api,websocket,round-trip,auth-route'], io);
    expect(stdout()).not.toContain('✗');
    expect(stdout()).toContain('✓ browser (VITE_) settings');
    expect(stdout()).toContain('✓ config/broadcasting.php');
    expect(stdout()).toContain('✓ Caddy snippet');
    expect(code).toBe(0);
  });
});
