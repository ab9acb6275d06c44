import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLaravelEnv } from '../../src/laravel/laravel-env.js';
import { TEST_CREDENTIALS, install, scriptedPrompts } from '../helpers/install-harness.js';
import { createLaravelFixture, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { requireBinary } from '../helpers/require-binary.js';

const php = requireBinary('php', 'php-cli');
let fixture: LaravelFixture;
afterEach(() => fixture?.cleanup());

/** What Laravel's env() returns for `name` in the project, with the real phpdotenv. */
function phpEnv(root: string, name: string): string {
  const script = `require '/usr/share/php/Dotenv/autoload.php'; $r = Dotenv\\Repository\\RepositoryBuilder::createWithDefaultAdapters()->immutable()->make(); Dotenv\\Dotenv::create($r, $argv[1])->load(); echo $r->get($argv[2]);`;
  return execFileSync('php', ['-r', script, root, name], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
}

describe('.env order: the server keys before the VITE_ lines that reference them', () => {
  it.skipIf(!php)('a fresh Laravel 12 .env: Laravel itself resolves VITE_REVERB_APP_KEY', async () => {
    fixture = createLaravelFixture({ version: 12 });
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    const env = fixture.read('.env');
    expect(env.indexOf('REVERB_APP_KEY=')).toBeLessThan(env.indexOf('VITE_REVERB_APP_KEY='));
    expect(phpEnv(fixture.root, 'VITE_REVERB_APP_KEY')).toBe(TEST_CREDENTIALS.key);
  });

  it.skipIf(!php)('a .env written in the old order is put right on the next run', async () => {
    fixture = createLaravelFixture({ version: 12 });
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    const good = fixture.read('.env');
    const viteBlock = good.slice(good.indexOf('VITE_REVERB_APP_KEY='), good.indexOf('VITE_REVERB_SCHEME=http\n') + 'VITE_REVERB_SCHEME=http\n'.length);
    const old = good.replace(viteBlock, '').replace('VITE_APP_NAME="${APP_NAME}"\n', `VITE_APP_NAME="\${APP_NAME}"\n${viteBlock}`);
    fixture.write('.env', old);
    expect(phpEnv(fixture.root, 'VITE_REVERB_APP_KEY')).toBe('${REVERB_APP_KEY}');
    const rerun = await install(fixture.root, { yes: true, deps: false });
    expect(rerun.code).toBe(0);
    expect(phpEnv(fixture.root, 'VITE_REVERB_APP_KEY')).toBe(TEST_CREDENTIALS.key);
    const read = parseLaravelEnv(fixture.read('.env'), '.env');
    expect(read.ok && read.env.php.VITE_REVERB_HOST).toBe('localhost');
  });
});

describe('a rerun after APP_URL changed', () => {
  it('offers the new public URL as the default, interactively and with --yes', async () => {
    fixture = createLaravelFixture({ version: 12, env: (t) => t.replace('APP_URL=http://localhost', 'APP_URL=https://old.example.com') });
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    expect(fixture.read('.env')).toContain('VITE_REVERB_HOST="old.example.com"');

    fixture.write('.env', fixture.read('.env').replace('APP_URL=https://old.example.com', 'APP_URL=https://new.example.com'));
    let offered = '';
    const prompts = scriptedPrompts([
      { match: /^Public URL/, answer: '' },
      { match: /^Sidecar address/, answer: '' },
      { match: /client events/, answer: false },
      { match: /authorize private channels/, answer: false },
      { match: /service file/, answer: 'none' },
    ]);
    const input = prompts.input;
    prompts.input = async (q) => {
      if (/^Public URL/.test(q.message)) offered = q.default ?? '';
      return input(q);
    };
    expect((await install(fixture.root, { deps: false }, { prompts, isTTY: true })).code).toBe(0);
    expect(offered).toBe('https://new.example.com');
    expect(fixture.read('.env')).toContain('VITE_REVERB_HOST="new.example.com"');

    fixture.write('.env', fixture.read('.env').replace('APP_URL=https://new.example.com', 'APP_URL=http://newer.test:8080'));
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    expect(fixture.read('.env')).toMatch(/VITE_REVERB_HOST="newer.test"\nVITE_REVERB_PORT=8080\nVITE_REVERB_SCHEME=http\n/);
  });

  it('keeps a public host chosen on purpose next to APP_URL', async () => {
    fixture = createLaravelFixture({ version: 12, env: (t) => t.replace('APP_URL=http://localhost', 'APP_URL=https://app.example.com') });
    expect((await install(fixture.root, { yes: true, deps: false, publicHost: 'ws.example.com' })).code).toBe(0);
    expect((await install(fixture.root, { yes: true, deps: false })).code).toBe(0);
    expect(fixture.read('.env')).toContain('VITE_REVERB_HOST="ws.example.com"');
  });
});
