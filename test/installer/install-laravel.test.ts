import { packageVersion } from '../../src/installer/package-version.js';
import { afterEach, describe, expect, it } from 'vitest';
import { install, TEST_CREDENTIALS, SIDECAR_SPEC } from '../helpers/install-harness.js';
import { createLaravelFixture, type FixtureFrontEnd, type FixtureVersion, type LaravelFixture } from '../helpers/laravel-fixture.js';

/**
 * The installer against stock Laravel 10, 11 and 12 trees with each front end, non-interactively
 * (--yes): the exact files it writes, that a second run changes nothing, and the commands it runs.
 * Generated files are compared with reviewed copies under __snapshots__/installed/.
 */

let fixture: LaravelFixture;
afterEach(() => fixture?.cleanup());

function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

const { id, key, secret } = TEST_CREDENTIALS;

/**
 * .env of an 11/12 app after install with defaults: Laravel's placement rules, to the line, with
 * the VITE_REVERB_* lines below the REVERB_* ones they reference (as reverb:install writes them;
 * phpdotenv leaves a forward `${REVERB_APP_KEY}` unexpanded).
 */
function expectedReverbEnv(original: string, secretValue: string): string {
  return original
    .replace('BROADCAST_CONNECTION=log', 'BROADCAST_CONNECTION=reverb')
    .replace('VITE_APP_NAME="${APP_NAME}"\n', [
      'VITE_APP_NAME="${APP_NAME}"',
      '',
      `REVERB_APP_ID=${secretValue === '' ? '' : id}`,
      `REVERB_APP_KEY=${secretValue === '' ? '' : key}`,
      `REVERB_APP_SECRET=${secretValue}`,
      'REVERB_HOST="127.0.0.1"',
      'REVERB_PORT=6001',
      'REVERB_SCHEME=http',
      'VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"',
      'VITE_REVERB_HOST=localhost',
      'VITE_REVERB_PORT=80',
      'VITE_REVERB_SCHEME=http',
      '',
      'PUSHER_SIDECAR_HOST="127.0.0.1"',
      'PUSHER_SIDECAR_PORT=6001',
      '',
    ].join('\n'));
}

function expectedPusherEnv(original: string, withCredentials: boolean): string {
  return original
    .replace('BROADCAST_DRIVER=log', 'BROADCAST_DRIVER=pusher')
    .replace([
      'PUSHER_APP_ID=', 'PUSHER_APP_KEY=', 'PUSHER_APP_SECRET=', 'PUSHER_HOST=', 'PUSHER_PORT=443', 'PUSHER_SCHEME=https', 'PUSHER_APP_CLUSTER=mt1',
    ].join('\n'), [
      `PUSHER_APP_ID=${withCredentials ? id : ''}`,
      `PUSHER_APP_KEY=${withCredentials ? key : ''}`,
      `PUSHER_APP_SECRET=${withCredentials ? secret : ''}`,
      'PUSHER_HOST="127.0.0.1"',
      'PUSHER_PORT=6001',
      'PUSHER_SCHEME=http',
      'PUSHER_APP_CLUSTER=mt1',
      'PUSHER_SIDECAR_HOST="127.0.0.1"',
      'PUSHER_SIDECAR_PORT=6001',
    ].join('\n'))
    .replace([
      'VITE_PUSHER_HOST="${PUSHER_HOST}"', 'VITE_PUSHER_PORT="${PUSHER_PORT}"', 'VITE_PUSHER_SCHEME="${PUSHER_SCHEME}"',
    ].join('\n'), ['VITE_PUSHER_HOST=localhost', 'VITE_PUSHER_PORT=80', 'VITE_PUSHER_SCHEME=http'].join('\n'));
}

const CHANNELS_LINE = "        channels: __DIR__.'/../routes/channels.php',\n";

interface Case {
  version: FixtureVersion;
  frontEnd: FixtureFrontEnd;
  echoFile: string | null;
  entry: string | null;
  npm: string | null;
}

const cases: Case[] = [
  { version: 10, frontEnd: 'plain', echoFile: 'resources/js/echo.js', entry: 'resources/js/bootstrap.js', npm: `npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}` },
  { version: 10, frontEnd: 'react', echoFile: 'resources/js/echo.js', entry: 'resources/js/app.jsx', npm: `npm install --save-dev laravel-echo pusher-js @laravel/echo-react ${SIDECAR_SPEC}` },
  { version: 10, frontEnd: 'vue', echoFile: 'resources/js/echo.js', entry: 'resources/js/app.js', npm: `npm install --save-dev laravel-echo pusher-js @laravel/echo-vue ${SIDECAR_SPEC}` },
  { version: 11, frontEnd: 'plain', echoFile: 'resources/js/echo.js', entry: 'resources/js/bootstrap.js', npm: `npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}` },
  { version: 11, frontEnd: 'react', echoFile: 'resources/js/echo.js', entry: 'resources/js/app.jsx', npm: `npm install --save-dev laravel-echo pusher-js @laravel/echo-react ${SIDECAR_SPEC}` },
  { version: 11, frontEnd: 'vue', echoFile: 'resources/js/echo.js', entry: 'resources/js/app.js', npm: `npm install --save-dev laravel-echo pusher-js @laravel/echo-vue ${SIDECAR_SPEC}` },
  { version: 12, frontEnd: 'plain', echoFile: 'resources/js/echo.js', entry: 'resources/js/bootstrap.js', npm: `npm install --save-dev laravel-echo pusher-js ${SIDECAR_SPEC}` },
  { version: 12, frontEnd: 'react', echoFile: 'resources/js/echo.ts', entry: 'resources/js/app.tsx', npm: `npm install --save-dev laravel-echo pusher-js @laravel/echo-react ${SIDECAR_SPEC}` },
  { version: 12, frontEnd: 'vue', echoFile: 'resources/js/echo.ts', entry: 'resources/js/app.ts', npm: `npm install --save-dev laravel-echo pusher-js @laravel/echo-vue ${SIDECAR_SPEC}` },
  { version: 12, frontEnd: 'none', echoFile: null, entry: null, npm: null },
];

describe.each(cases)('Laravel $version, $frontEnd front end, --yes', ({ version, frontEnd, echoFile, entry, npm }) => {
  const name = `l${version}-${frontEnd}`;

  it('writes exactly the expected files, runs composer and npm, and a second run changes nothing', async () => {
    fixture = createLaravelFixture({ version, frontEnd });
    const before = fixture.snapshot();
    const result = await install(fixture.root, { yes: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const after = fixture.snapshot();

    const expected = version === 10
      ? ['.env', '.env.example', 'config/app.php', 'pusher-sidecar.caddy']
      : ['.env', '.env.example', 'bootstrap/app.php', 'config/broadcasting.php', 'pusher-sidecar.caddy', 'routes/channels.php'];
    if (echoFile && entry) expected.push(echoFile, entry);
    // The composer/npm stand-ins record the packages in the manifests, as the real tools do.
    expected.push('composer.json', ...(npm ? ['package.json'] : []));
    expect(changedPaths(before, after)).toEqual(expected.sort());

    // .env and .env.example, line for line.
    if (version === 10) {
      expect(after.get('.env')).toBe(expectedPusherEnv(before.get('.env')!, true));
      expect(after.get('.env.example')).toBe(expectedPusherEnv(before.get('.env.example')!, false));
      expect(after.get('config/app.php')).toBe(before.get('config/app.php')!.replace(
        '        // App\\Providers\\BroadcastServiceProvider::class,', '        App\\Providers\\BroadcastServiceProvider::class,'));
    } else {
      expect(after.get('.env')).toBe(expectedReverbEnv(before.get('.env')!, secret));
      expect(after.get('.env.example')).toBe(expectedReverbEnv(before.get('.env.example')!, ''));
      expect(after.get('bootstrap/app.php')).toBe(before.get('bootstrap/app.php')!.replace(
        "        commands: __DIR__.'/../routes/console.php',\n", `        commands: __DIR__.'/../routes/console.php',\n${CHANNELS_LINE}`));
      await expect(after.get('config/broadcasting.php')).toMatchFileSnapshot(`__snapshots__/installed/reverb/config/broadcasting.php`);
      await expect(after.get('routes/channels.php')).toMatchFileSnapshot(`__snapshots__/installed/reverb/routes/channels.php`);
    }
    expect(after.get('.env.example')).not.toContain(secret);
    await expect(after.get('pusher-sidecar.caddy')).toMatchFileSnapshot('__snapshots__/installed/pusher-sidecar.caddy');

    if (echoFile && entry) {
      await expect(after.get(echoFile)).toMatchFileSnapshot(`__snapshots__/installed/${name}/${echoFile}.snap`);
      const entryBefore = before.get(entry)!;
      if (entry.endsWith('bootstrap.js')) {
        expect(after.get(entry)).toBe(`${entryBefore.trimEnd()}\n\n/**\n * Echo subscribes to channels and listens for the events Laravel broadcasts, through\n * pusher-sidecar. See ./echo for the connection settings.\n */\n\nimport './echo';\n`);
      } else {
        // After the last import line, like Laravel's own configureEcho insertion.
        const lines = entryBefore.split('\n');
        const last = lines.map((l) => /^import .+;$/.test(l)).lastIndexOf(true);
        lines.splice(last + 1, 0, "import './echo';");
        expect(after.get(entry)).toBe(lines.join('\n'));
      }
    }

    expect(result.commands).toEqual(['composer require pusher/pusher-php-server', ...(npm ? [npm] : [])]);
    expect(result.stdout).toContain(npm ? 'npx pusher-sidecar serve   # runs the copy just added to the app\'s devDependencies' : `npx pusher-sidecar@${packageVersion()} serve`);
    expect(result.stdout).toContain('npx pusher-sidecar doctor');
    expect(result.stdout).not.toContain(secret);

    const again = await install(fixture.root, { yes: true });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already configured: nothing to change.');
    expect(again.commands).toEqual([]);
    expect(fixture.snapshot()).toEqual(after);
  });
});
