import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { install, scriptedPrompts, SIDECAR_SPEC } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';

/** The installer on a terminal: questions asked, defaults offered, answers honoured, Ctrl+C. */

let fixture: LaravelFixture;
afterEach(() => fixture?.cleanup());

const Q = {
  publicUrl: /^Public URL browsers connect to/,
  sidecar: /^Sidecar address/,
  clientEvents: /^Allow client events/,
  serverAuth: /^Let the sidecar authorize private channels/,
  service: /^Write a service file/,
  deps: /^Install the PHP and JavaScript packages now/,
};

describe('interactive install', () => {
  it('asks each question once, with defaults from APP_URL, and writes the answers', async () => {
    fixture = createLaravelFixture({ version: 12, env: (t) => t.replace('APP_URL=http://localhost', 'APP_URL=https://shop.example.com') });
    const prompts = scriptedPrompts([
      { match: Q.publicUrl, answer: 'https://ws.example.com' },
      { match: Q.sidecar, answer: '' },
      { match: Q.clientEvents, answer: true },
      { match: Q.serverAuth, answer: true },
      { match: Q.service, answer: 'systemd' },
      { match: Q.deps, answer: false },
    ]);
    const result = await install(fixture.root, {}, { prompts, isTTY: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(prompts.remaining()).toBe(0);
    expect(result.commands).toEqual([]);
    expect(result.stdout).toContain(`Install the packages:\n    composer require pusher/pusher-php-server\n    npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}\n`);

    const env = parseDotenv(fixture.read('.env'));
    expect(env).toMatchObject({
      BROADCAST_CONNECTION: 'reverb',
      REVERB_HOST: '127.0.0.1',
      REVERB_PORT: '6001',
      REVERB_SCHEME: 'http',
      VITE_REVERB_HOST: 'ws.example.com',
      VITE_REVERB_PORT: '443',
      VITE_REVERB_SCHEME: 'https',
      PUSHER_SIDECAR_ENABLE_CLIENT_MESSAGES: 'true',
      PUSHER_SIDECAR_AUTH_URL: 'https://shop.example.com/broadcasting/auth',
      PUSHER_SIDECAR_USER_AUTH_URL: 'https://shop.example.com/broadcasting/user-auth',
      // The page (shop.) and the socket (ws.) differ, so the origin is allowed explicitly.
      PUSHER_SIDECAR_ALLOWED_ORIGINS: 'https://shop.example.com',
    });
    const echo = fixture.read('resources/js/echo.js');
    expect(echo).toContain('channelAuthorization: { customHandler: authorizeChannel },');
    expect(echo).toContain("{ auth: '', channel_data: '{}' } : { auth: '' }");
    const unit = fixture.read('pusher-sidecar.service');
    expect(unit).toContain(`WorkingDirectory=${fixture.root}\n`);
    // The app's own pinned copy, not `npx --yes pusher-sidecar@x` resolving ranges on every start.
    expect(unit).toContain(`\nExecStart=${fixture.root}/node_modules/.bin/pusher-sidecar serve\n`);

    // Run again, accepting every default offered: nothing changes, and the defaults were the
    // previous answers.
    const before = fixture.snapshot();
    const again = scriptedPrompts([
      { match: Q.publicUrl, answer: '' },
      { match: Q.sidecar, answer: '' },
      { match: Q.clientEvents, answer: true },
      { match: Q.serverAuth, answer: true },
      { match: Q.service, answer: 'systemd' },
      { match: Q.deps, answer: false },
    ]);
    const second = await install(fixture.root, {}, { prompts: again, isTTY: true });
    expect(second.code).toBe(0);
    expect(fixture.snapshot()).toEqual(before);
    expect(second.stdout).toContain('Files already configured.');
  });

  it('offers the previous answers as defaults', async () => {
    fixture = createLaravelFixture({ version: 11 });
    await install(fixture.root, { yes: true, deps: false, publicHost: 'rt.example.org', scheme: 'https', port: 7001 });
    const defaults: Record<string, unknown> = {};
    const prompts = scriptedPrompts([]);
    prompts.input = async (q) => {
      defaults[q.message] = q.default;
      return q.default ?? '';
    };
    prompts.confirm = async (q) => {
      defaults[q.message] = q.default;
      return q.default ?? false;
    };
    prompts.select = async (q) => q.default ?? q.choices[0]!.value;
    const result = await install(fixture.root, {}, { prompts, isTTY: true });
    expect(result.code).toBe(0);
    const byQuestion = (re: RegExp) => Object.entries(defaults).find(([message]) => re.test(message))?.[1];
    expect(byQuestion(Q.publicUrl)).toBe('https://rt.example.org');
    expect(byQuestion(Q.sidecar)).toBe('127.0.0.1:7001');
    expect(byQuestion(Q.clientEvents)).toBe(false);
  });

  it('Ctrl+C at any question writes nothing', async () => {
    fixture = createLaravelFixture({ version: 11 });
    const before = fixture.snapshot();
    const prompts = scriptedPrompts([
      { match: Q.publicUrl, answer: 'http://localhost' },
      { match: Q.sidecar, answer: '' },
    ]);
    prompts.confirm = async () => {
      // What @inquirer/prompts does on Ctrl+C.
      throw Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    };
    const result = await install(fixture.root, {}, { prompts, isTTY: true });
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('Cancelled: nothing was written.');
    expect(fixture.snapshot()).toEqual(before);
    expect(result.commands).toEqual([]);
  });

  it('asks nothing when stdin is not a TTY, with --yes, or in CI', async () => {
    for (const harness of [{ isTTY: false }, { isTTY: true, env: { CI: 'true' } }]) {
      fixture = createLaravelFixture({ version: 12 });
      const result = await install(fixture.root, { deps: false }, { ...harness, prompts: scriptedPrompts([]) });
      expect(result.code).toBe(0);
      fixture.cleanup();
    }
    fixture = createLaravelFixture({ version: 12 });
    const result = await install(fixture.root, { yes: true, deps: false }, { isTTY: true, prompts: scriptedPrompts([]) });
    expect(result.code).toBe(0);
  });

  it('rejects a malformed answer through the prompt validation', async () => {
    fixture = createLaravelFixture({ version: 12 });
    const prompts = scriptedPrompts([{ match: Q.publicUrl, answer: 'ftp://nope' }]);
    await expect(install(fixture.root, {}, { prompts, isTTY: true })).rejects.toThrow(/answer "ftp:\/\/nope" rejected: Use http:\/\/ or https:\/\//);
  });
});
