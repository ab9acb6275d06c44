import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/installer/package-version.js';
import { onCleanup } from '../helpers/cleanup.js';
import { SIDECAR_SPEC, install } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { BIN } from '../helpers/run-bin.js';

let fixture: LaravelFixture;
afterEach(() => fixture?.cleanup());

describe('pusher-sidecar joins the app\'s devDependencies with its package manager', () => {
  const cases = [
    [null, `npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}`],
    ['pnpm-lock.yaml', `pnpm add --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}`],
    ['yarn.lock', `yarn add --dev laravel-echo pusher-js ${SIDECAR_SPEC}`],
    ['bun.lock', `bun add --dev laravel-echo pusher-js ${SIDECAR_SPEC}`],
  ] as const;
  for (const [lockfile, command] of cases) {
    it(`${lockfile ?? 'no lockfile'}: ${command.split(' ')[0]}`, async () => {
      fixture = createLaravelFixture({ version: 12 });
      if (lockfile) fixture.write(lockfile, '');
      const pm = command.split(' ')[0]!;
      const result = await install(fixture.root, { yes: true }, { onPath: ['composer', pm] });
      expect(result.code).toBe(0);
      expect(result.commands).toEqual(['composer require pusher/pusher-php-server', command]);
      const pkg = JSON.parse(fixture.read('package.json')) as { devDependencies: Record<string, string> };
      expect(pkg.devDependencies['pusher-sidecar']).toBe(`^${packageVersion()}`);
      expect(result.stdout).toContain("npx pusher-sidecar serve   # runs the copy just added to the app's devDependencies");

      // Installed now: a second run asks for nothing more.
      const again = await install(fixture.root, { yes: true }, { onPath: ['composer', pm] });
      expect(again.commands).toEqual([]);
      expect(again.stdout).toContain("runs the copy in the app's devDependencies");
    });
  }

  it('--no-deps prints the command, and the next steps say to run it first', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.commands).toEqual([]);
    expect(result.stdout).toContain(`Install the packages:\n    composer require pusher/pusher-php-server\n    npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}\n`);
    expect(result.stdout).toContain('npx pusher-sidecar serve   # runs the copy pinned in devDependencies, once you have run the install command above');
  });

  it('an API-only app (no package.json) gets a version-pinned npx, in the next steps and the service file', async () => {
    fixture = createLaravelFixture({ version: 12, frontEnd: 'none' });
    const result = await install(fixture.root, { yes: true, deps: false, service: 'supervisor' });
    expect(result.stdout).toContain(`npx pusher-sidecar@${packageVersion()} serve`);
    expect(fixture.read('pusher-sidecar.supervisor.conf')).toContain(`\ncommand=/usr/bin/env npx --yes pusher-sidecar@${packageVersion()} serve\n`);
  });
});

describe('generated service files run the app\'s installed copy', () => {
  it('the systemd ExecStart line starts the sidecar from node_modules/.bin in the project', async () => {
    fixture = createLaravelFixture({ version: 12 });
    expect((await install(fixture.root, { yes: true, deps: false, service: 'systemd' })).code).toBe(0);
    const execStart = /^ExecStart=(.+)$/m.exec(fixture.read('pusher-sidecar.service'))?.[1];
    expect(execStart).toBe(`${fixture.root}/node_modules/.bin/pusher-sidecar serve`);
    // What `npm install` leaves: a .bin link to the package's bin.
    mkdirSync(join(fixture.root, 'node_modules/.bin'), { recursive: true });
    symlinkSync(BIN, join(fixture.root, 'node_modules/.bin/pusher-sidecar'));

    const [file, ...args] = execStart!.split(' ');
    const child = execa(file!, args, {
      cwd: fixture.root, env: { PATH: process.env.PATH ?? '', PUSHER_SIDECAR_PORT: '0', PUSHER_SIDECAR_METRICS_PORT: '0' }, extendEnv: false, reject: false,
    });
    onCleanup(async () => {
      child.kill('SIGTERM');
      await child;
    });
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('"listening on'));
        if (line) resolve(line);
      });
      child.then((r) => reject(new Error(`exited: ${r.stderr}`)), reject);
    });
    expect(ready).toContain('"apps":["424242"]');
  });
});
