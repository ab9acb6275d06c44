import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, install } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';

let fixture: LaravelFixture;
let outside: string;
afterEach(() => {
  fixture?.cleanup();
  if (outside) rmSync(outside, { recursive: true, force: true });
});

describe('the installer and symlinks (real temp trees)', () => {
  it('refuses to write through a directory symlink that leaves the project, and writes nothing', async () => {
    fixture = createLaravelFixture({ version: 12 });
    outside = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    rmSync(join(fixture.root, 'config'), { recursive: true, force: true });
    symlinkSync(outside, join(fixture.root, 'config'));
    const envBefore = fixture.read('.env');

    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Writing failed, nothing was written: config/broadcasting.php resolves to');
    expect(result.stderr).toContain('outside the project');
    expect(readdirSync(outside)).toEqual([]);
    expect(fixture.read('.env')).toBe(envBefore);
    expect(readdirSync(fixture.root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('updates the target of a symlinked .env (a deploy tool\'s shared/.env) in place, keeping the link', async () => {
    fixture = createLaravelFixture({ version: 12 });
    outside = mkdtempSync(join(tmpdir(), 'shared-'));
    const shared = join(outside, '.env');
    writeFileSync(shared, fixture.read('.env'), { mode: 0o640 });
    rmSync(join(fixture.root, '.env'));
    symlinkSync(shared, join(fixture.root, '.env'));

    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lstatSync(join(fixture.root, '.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(shared, 'utf8')).toContain(`REVERB_APP_KEY=${TEST_CREDENTIALS.key}`);
    expect(lstatSync(shared).mode & 0o777).toBe(0o640);
    expect(readdirSync(outside)).toEqual(['.env']);
  });

  it('follows a file symlink inside the project and refuses one that points out of it', async () => {
    fixture = createLaravelFixture({ version: 12 });
    mkdirSync(join(fixture.root, 'deploy'));
    writeFileSync(join(fixture.root, 'deploy', 'env'), fixture.read('.env'));
    rmSync(join(fixture.root, '.env'));
    symlinkSync('deploy/env', join(fixture.root, '.env'));
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    expect(lstatSync(join(fixture.root, '.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(fixture.root, 'deploy', 'env'), 'utf8')).toContain('BROADCAST_CONNECTION=reverb');

    outside = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    writeFileSync(join(outside, 'pusher-sidecar.caddy'), '# theirs\n');
    rmSync(join(fixture.root, 'pusher-sidecar.caddy'));
    symlinkSync(join(outside, 'pusher-sidecar.caddy'), join(fixture.root, 'pusher-sidecar.caddy'));
    const refused = await install(fixture.root, { yes: true, deps: false, port: 6002 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pusher-sidecar.caddy resolves to');
    expect(readFileSync(join(outside, 'pusher-sidecar.caddy'), 'utf8')).toBe('# theirs\n');
    expect(existsSync(join(fixture.root, '.env'))).toBe(true);
  });
});
