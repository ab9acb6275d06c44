import { afterEach, describe, expect, it } from 'vitest';
import { readLaravelEnv } from '../../src/laravel/laravel-env.js';
import { install } from '../helpers/install-harness.js';
import { createLaravelFixture, type FixtureOptions, type LaravelFixture } from '../helpers/laravel-fixture.js';
import { evaluateConfig, phpLint } from '../helpers/php.js';
import { requireBinary } from '../helpers/require-binary.js';

/**
 * Every PHP file the installer writes must parse (`php -l`), and the broadcasting config must
 * give Laravel a connection that posts to the sidecar with the .env's credentials.
 */

const hasPhp = requireBinary('php', 'php-cli');

let fixture: LaravelFixture;
afterEach(() => fixture?.cleanup());

interface Connection {
  driver: string;
  key: string;
  secret: string;
  app_id: string;
  options: { host: string; port: string | number; scheme: string; useTLS: boolean; cluster?: string };
}

async function installAndCheck(options: FixtureOptions, flags: Record<string, unknown> = {}, prepare?: (f: LaravelFixture) => void) {
  fixture = createLaravelFixture(options);
  prepare?.(fixture);
  const before = fixture.snapshot();
  const result = await install(fixture.root, { yes: true, deps: false, ...flags });
  expect(result.code).toBe(0);
  const after = fixture.snapshot();
  const written = [...after.keys()].filter((p) => p.endsWith('.php') && after.get(p) !== before.get(p)).sort();
  for (const path of written) expect(phpLint(`${fixture.root}/${path}`), path).toBeNull();

  const envText = fixture.read('.env');
  // What the installer wrote, read by the project's own reader; PHP's side is Laravel's real boot.
  const read = readLaravelEnv(fixture.root);
  if (!read.ok) throw new Error(`${read.path}: ${read.reason}`);
  const env = read.env.php;
  const config = evaluateConfig(`${fixture.root}/config/broadcasting.php`, envText) as { default: string; connections: Record<string, Connection> };
  const name = config.default;
  const prefix = name === 'reverb' ? 'REVERB' : 'PUSHER';
  const connection = config.connections[name]!;
  expect(connection.driver).toBe(name);
  expect(connection.key).toBe(env[`${prefix}_APP_KEY`]);
  expect(connection.secret).toBe(env[`${prefix}_APP_SECRET`]);
  expect(connection.app_id).toBe(env[`${prefix}_APP_ID`]);
  expect(connection.options.host).toBe(env.PUSHER_SIDECAR_HOST);
  expect(String(connection.options.port)).toBe(env.PUSHER_SIDECAR_PORT);
  expect(connection.options.scheme).toBe('http');
  expect(connection.options.useTLS).toBe(false);
  return { written, connection, name };
}

describe.skipIf(!hasPhp)('PHP files written by the installer', () => {
  it('Laravel 10: the stock pusher connection, provider and config/app.php', async () => {
    const { written, name, connection } = await installAndCheck({ version: 10 });
    expect(name).toBe('pusher');
    expect(connection.options.cluster).toBe('mt1');
    expect(written).toEqual(['config/app.php']);
  });

  it('Laravel 10 without BroadcastServiceProvider.php and channels.php: both created', async () => {
    fixture = createLaravelFixture({ version: 10 });
    fixture.remove('app/Providers/BroadcastServiceProvider.php');
    fixture.remove('routes/channels.php');
    const root = fixture.root;
    const result = await install(root, { yes: true, deps: false });
    expect(result.code).toBe(0);
    for (const path of ['app/Providers/BroadcastServiceProvider.php', 'routes/channels.php', 'config/app.php']) {
      expect(phpLint(`${root}/${path}`), path).toBeNull();
    }
  });

  it.each([11, 12] as const)('Laravel %i: created config, channels and the edited bootstrap/app.php', async (version) => {
    const { written, name } = await installAndCheck({ version }, { host: '127.0.0.1', port: 6123 });
    expect(name).toBe('reverb');
    expect(written.sort()).toEqual(['bootstrap/app.php', 'config/broadcasting.php', 'routes/channels.php']);
  });

  it('an existing Reverb install keeps its config and now points at the sidecar', async () => {
    const { written, name } = await installAndCheck({ version: 12, priorSetup: 'reverb' });
    expect(name).toBe('reverb');
    expect(written).toEqual([]);
  });

  it('an existing Pusher Channels install keeps the pusher connection and its cluster', async () => {
    const { name, connection } = await installAndCheck({ version: 11, priorSetup: 'pusher' });
    expect(name).toBe('pusher');
    expect(connection.options.cluster).toBe('eu');
  });

  it('a config without the connection gets it inserted after `connections`', async () => {
    const { written, name } = await installAndCheck({ version: 11 }, {}, (f) => f.write('config/broadcasting.php', [
      '<?php',
      '',
      'return [',
      "    'default' => env('BROADCAST_CONNECTION', 'null'),",
      "    'connections' => [",
      "        'log' => [",
      "            'driver' => 'log',",
      '        ],',
      '    ],',
      '];',
      '',
    ].join('\n')));
    expect(name).toBe('reverb');
    expect(written).toContain('config/broadcasting.php');
  });

  it('an old stock pusher connection (cluster and useTLS only) gains host/port/scheme', async () => {
    const oldConfig = [
      '<?php',
      '',
      'return [',
      '',
      "    'default' => env('BROADCAST_DRIVER', 'null'),",
      '',
      "    'connections' => [",
      '',
      "        'pusher' => [",
      "            'driver' => 'pusher',",
      "            'key' => env('PUSHER_APP_KEY'),",
      "            'secret' => env('PUSHER_APP_SECRET'),",
      "            'app_id' => env('PUSHER_APP_ID'),",
      "            'options' => [",
      "                'cluster' => env('PUSHER_APP_CLUSTER'),",
      "                'useTLS' => true,",
      '            ],',
      '        ],',
      '',
      '    ],',
      '',
      '];',
      '',
    ].join('\n');
    const { written, name, connection } = await installAndCheck({ version: 10 }, {}, (f) => f.write('config/broadcasting.php', oldConfig));
    expect(name).toBe('pusher');
    expect(connection.options.cluster).toBe('mt1');
    expect(written).toEqual(['config/app.php', 'config/broadcasting.php']);
  });

  it('a customised connection is left alone and the snippet is printed', async () => {
    fixture = createLaravelFixture({ version: 11 });
    const custom = [
      '<?php',
      '',
      'return [',
      "    'default' => env('BROADCAST_CONNECTION', 'null'),",
      "    'connections' => [",
      "        'reverb' => [",
      "            'driver' => 'reverb',",
      "            'key' => env('MY_WS_KEY'),",
      "            'secret' => env('MY_WS_SECRET'),",
      "            'app_id' => env('MY_WS_ID'),",
      "            'options' => ['host' => 'ws.internal', 'port' => 443, 'scheme' => 'https'],",
      '        ],',
      '    ],',
      '];',
      '',
    ].join('\n');
    fixture.write('config/broadcasting.php', custom);
    const result = await install(fixture.root, { yes: true, deps: false });
    expect(result.code).toBe(0);
    expect(fixture.read('config/broadcasting.php')).toBe(custom);
    expect(result.stdout).toContain("! config/broadcasting.php the 'reverb' connection is customised, so it was left alone.");
    expect(result.stdout).toContain("'host' => env('REVERB_HOST', '127.0.0.1'),");
  });
});
