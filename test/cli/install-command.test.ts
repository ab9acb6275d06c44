import { Command } from 'commander';
import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { registerInstallCommand } from '../../src/cli/install-command.js';
import { scriptedPrompts, SIDECAR_SPEC } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';

/** The flags as a user types them, through commander, into the installer. */

let fixture: LaravelFixture | undefined;
afterEach(() => fixture?.cleanup());

async function runCli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  let exitCode: number | undefined;
  const commands: string[] = [];
  const program = new Command('pusher-sidecar').exitOverride();
  registerInstallCommand(program, {
    cwd,
    prompts: scriptedPrompts([]),
    isTTY: false,
    env: {},
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    run: async (command, a) => {
      commands.push([command, ...a].join(' '));
      return { exitCode: 0 };
    },
    isOnPath: () => true,
    setExitCode: (code) => (exitCode = code),
  });
  await program.parseAsync(['node', 'pusher-sidecar', 'install', ...args]);
  return { out, err, exitCode, commands };
}

describe('pusher-sidecar install (commander)', () => {
  it('maps every flag onto the installer', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const result = await runCli([
      '--public-host', 'ws.example.com', '--public-port', '8443', '--scheme', 'https',
      '--host', '127.0.0.1', '--port', '6100',
      '--app-id', 'shop', '--app-key', 'shop-key', '--app-secret', 'shop-secret',
      '--client-events', '--server-auth', '--auth-url', 'http://127.0.0.1:8000/broadcasting/auth',
      '--service', 'systemd', '--no-deps',
    ], fixture.root);
    expect(result.err).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.commands).toEqual([]);
    expect(parseDotenv(fixture.read('.env'))).toMatchObject({
      VITE_REVERB_HOST: 'ws.example.com', VITE_REVERB_PORT: '8443', VITE_REVERB_SCHEME: 'https',
      REVERB_HOST: '127.0.0.1', REVERB_PORT: '6100',
      REVERB_APP_ID: 'shop', REVERB_APP_KEY: 'shop-key', REVERB_APP_SECRET: 'shop-secret',
      PUSHER_SIDECAR_ENABLE_CLIENT_MESSAGES: 'true',
      PUSHER_SIDECAR_AUTH_URL: 'http://127.0.0.1:8000/broadcasting/auth',
      PUSHER_SIDECAR_USER_AUTH_URL: 'http://127.0.0.1:8000/broadcasting/user-auth',
    });
    expect(fixture.exists('pusher-sidecar.service')).toBe(true);
  });

  it('runs the package installs unless --no-deps, and --dry-run writes nothing', async () => {
    fixture = createLaravelFixture({ version: 11 });
    const before = fixture.snapshot();
    const dry = await runCli(['--dry-run'], fixture.root);
    expect(dry.exitCode).toBe(0);
    expect(fixture.snapshot()).toEqual(before);
    const real = await runCli([], fixture.root);
    expect(real.commands).toEqual(['composer require pusher/pusher-php-server', `npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}`]);
  });

  it('exits 1 outside a Laravel project', async () => {
    const result = await runCli(['--yes'], '/');
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain('Not a Laravel project');
  });
});
