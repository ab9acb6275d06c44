import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds a Laravel project tree in a temp dir, as `laravel new` leaves it for that major (stock
 * skeleton files from test/fixtures/laravel), with the chosen front end:
 * - `plain`: the skeleton's bootstrap.js + app.js (axios on window);
 * - `react` / `vue`: Breeze (JSX / JS with bootstrap.js and axios) on 10 and 11, the TypeScript
 *   starter kits (app.tsx / app.ts, no axios) on 12;
 * - `none`: no package.json at all (an API-only app).
 */

export type FixtureVersion = 10 | 11 | 12;
export type FixtureFrontEnd = 'plain' | 'react' | 'vue' | 'none';

export interface FixtureOptions {
  version: FixtureVersion;
  frontEnd?: FixtureFrontEnd;
  /** Transform the .env text (a copy of .env.example with an APP_KEY). */
  env?: (text: string) => string;
  /** Write no .env at all. */
  withoutEnv?: boolean;
  /**
   * 11/12 only: the app already ran `php artisan install:broadcasting` with Reverb (plus
   * `reverb:install`) or with Pusher Channels, and has the files those commands write.
   */
  priorSetup?: 'reverb' | 'pusher';
}

export interface LaravelFixture {
  root: string;
  read(path: string): string;
  exists(path: string): boolean;
  write(path: string, text: string): void;
  remove(path: string): void;
  /** Every file of the tree, path → text, for "nothing changed" assertions. */
  snapshot(): Map<string, string>;
  cleanup(): void;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/laravel/', import.meta.url));
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

export const APP_KEY = 'base64:c2lkZWNhci10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE=';

function frontEndFiles(version: FixtureVersion, frontEnd: FixtureFrontEnd, v: string): Record<string, string> {
  switch (frontEnd) {
    case 'none':
      return {};
    case 'plain':
      return {
        'package.json': fixture(`${v}/package.json`),
        'resources/js/app.js': "import './bootstrap';\n",
        'resources/js/bootstrap.js': fixture(`${v}/bootstrap.js`),
        'resources/css/app.css': '',
      };
    case 'react':
      return version === 12
        ? {
          'package.json': fixture('front/kit-react-package.json'),
          'tsconfig.json': fixture('front/kit-tsconfig.json'),
          'resources/js/app.tsx': fixture('front/kit-app.tsx.fixture'),
          'resources/css/app.css': '',
        }
        : {
          'package.json': fixture('front/breeze-react-package.json'),
          'resources/js/app.jsx': fixture('front/breeze-app.jsx'),
          'resources/js/bootstrap.js': fixture(`${v}/bootstrap.js`),
          'resources/css/app.css': '',
        };
    case 'vue':
      return version === 12
        ? {
          'package.json': fixture('front/kit-vue-package.json'),
          'tsconfig.json': fixture('front/kit-tsconfig.json'),
          'resources/js/app.ts': fixture('front/kit-app.ts.fixture'),
          'resources/css/app.css': '',
        }
        : {
          'package.json': fixture('front/breeze-vue-package.json'),
          'resources/js/app.js': fixture('front/breeze-app.js'),
          'resources/js/bootstrap.js': fixture(`${v}/bootstrap.js`),
          'resources/css/app.css': '',
        };
  }
}

/** What Laravel's installers leave behind (reference Part B1/B2), on top of the stock tree. */
function applyPriorSetup(files: Record<string, string>, setup: 'reverb' | 'pusher', frontEnd: FixtureFrontEnd): void {
  const env = (text: string, example: boolean) => {
    const withConnection = text.replace('BROADCAST_CONNECTION=log', `BROADCAST_CONNECTION=${setup}`);
    if (setup === 'reverb') {
      return withConnection.replace(/\n$/, '') + '\n' + [
        '',
        `REVERB_APP_ID=${example ? '' : '618223'}`,
        `REVERB_APP_KEY=${example ? '' : 'vxk2tm0wqf6eg0f6jzmw'}`,
        `REVERB_APP_SECRET=${example ? '' : 'zioq3to9xrytlnlg7sj6'}`,
        'REVERB_HOST="localhost"',
        'REVERB_PORT=8080',
        'REVERB_SCHEME=http',
        '',
        'VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"',
        'VITE_REVERB_HOST="${REVERB_HOST}"',
        'VITE_REVERB_PORT="${REVERB_PORT}"',
        'VITE_REVERB_SCHEME="${REVERB_SCHEME}"',
        '',
      ].join('\n');
    }
    return withConnection.replace('VITE_APP_NAME="${APP_NAME}"\n', [
      'VITE_APP_NAME="${APP_NAME}"',
      'VITE_PUSHER_APP_KEY="${PUSHER_APP_KEY}"',
      'VITE_PUSHER_APP_CLUSTER="${PUSHER_APP_CLUSTER}"',
      'VITE_PUSHER_HOST="${PUSHER_HOST}"',
      'VITE_PUSHER_PORT="${PUSHER_PORT}"',
      'VITE_PUSHER_SCHEME="${PUSHER_SCHEME}"',
      '',
      `PUSHER_APP_ID=${example ? '' : '1789012'}`,
      `PUSHER_APP_KEY=${example ? '' : 'a1b2c3d4e5f6a7b8c9d0'}`,
      `PUSHER_APP_SECRET=${example ? '' : 'f0e9d8c7b6a5f4e3d2c1'}`,
      'PUSHER_APP_CLUSTER=eu',
      'PUSHER_PORT=443',
      'PUSHER_SCHEME=https',
      '',
    ].join('\n'));
  };
  if (files['.env']) files['.env'] = env(files['.env'], false);
  files['.env.example'] = env(files['.env.example']!, true);
  files['config/broadcasting.php'] = fixture('l11/config-broadcasting.php');
  files['routes/channels.php'] = fixture('l11/channels.php');
  files['bootstrap/app.php'] = files['bootstrap/app.php']!.replace(
    "        commands: __DIR__.'/../routes/console.php',\n",
    "        commands: __DIR__.'/../routes/console.php',\n        channels: __DIR__.'/../routes/channels.php',\n",
  );
  const composer = JSON.parse(files['composer.json']!) as { require: Record<string, string> };
  composer.require[setup === 'reverb' ? 'laravel/reverb' : 'pusher/pusher-php-server'] = setup === 'reverb' ? '^1.0' : '^7.2';
  files['composer.json'] = JSON.stringify(composer, null, 4) + '\n';
  if (frontEnd === 'none') return;
  const pkg = JSON.parse(files['package.json']!) as { devDependencies: Record<string, string> };
  pkg.devDependencies = { ...pkg.devDependencies, 'laravel-echo': '^2.0.0', 'pusher-js': '^8.4.0' };
  if (frontEnd === 'plain') {
    files['package.json'] = JSON.stringify(pkg, null, 4) + '\n';
    files['resources/js/echo.js'] = fixture(`laravel-echo-${setup}.js`);
    files['resources/js/bootstrap.js'] = `${files['resources/js/bootstrap.js']!.trim()}\n\n${fixture('laravel-echo-import.js')}`;
  } else {
    const framework = frontEnd === 'react' ? '@laravel/echo-react' : '@laravel/echo-vue';
    pkg.devDependencies[framework] = '^2.0.0';
    files['package.json'] = JSON.stringify(pkg, null, 4) + '\n';
    const entry = Object.keys(files).find((p) => /^resources\/js\/app\.(tsx|ts|jsx|js)$/.test(p))!;
    const lines = files[entry]!.split('\n');
    const last = lines.map((l) => /^import .+;$/.test(l)).lastIndexOf(true);
    lines.splice(last + 1, 0, '', `import { configureEcho } from '${framework}';`, '', 'configureEcho({', `    broadcaster: '${setup}',`, '});');
    files[entry] = lines.join('\n');
  }
}

export function laravelFiles(options: FixtureOptions): Record<string, string> {
  const { version } = options;
  const v = `l${version}`;
  const envExample = fixture(`${v}/env.example`);
  const files: Record<string, string> = {
    artisan: fixture('common/artisan'),
    'composer.json': fixture(`${v}/composer.json`),
    '.env.example': envExample,
    'routes/web.php': fixture('common/web.php'),
    'routes/console.php': fixture('common/console.php'),
    'bootstrap/app.php': fixture(`${v}/bootstrap-app.php`),
    ...frontEndFiles(version, options.frontEnd ?? 'plain', v),
  };
  if (!options.withoutEnv) {
    const env = envExample.replace(/^APP_KEY=$/m, `APP_KEY=${APP_KEY}`);
    files['.env'] = options.env ? options.env(env) : env;
  }
  if (version === 10) {
    Object.assign(files, {
      'config/app.php': fixture('l10/config-app.php'),
      'config/broadcasting.php': fixture('l10/config-broadcasting.php'),
      'app/Providers/BroadcastServiceProvider.php': fixture('l10/BroadcastServiceProvider.php'),
      'routes/channels.php': fixture('l10/channels.php'),
    });
  } else {
    files['bootstrap/providers.php'] = "<?php\n\nreturn [\n    App\\Providers\\AppServiceProvider::class,\n];\n";
  }
  if (options.priorSetup) {
    if (version === 10) throw new Error('priorSetup models Laravel 11+ installers');
    applyPriorSetup(files, options.priorSetup, options.frontEnd ?? 'plain');
  }
  return files;
}

function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

export function createLaravelFixture(options: FixtureOptions): LaravelFixture {
  const root = mkdtempSync(join(tmpdir(), `pusher-sidecar-l${options.version}-`));
  const write = (path: string, text: string) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  };
  for (const [path, text] of Object.entries(laravelFiles(options))) write(path, text);
  return {
    root,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    exists: (path) => existsSync(join(root, path)),
    write,
    remove: (path) => rmSync(join(root, path)),
    snapshot: () => new Map(listFiles(root).map((path) => [path, readFileSync(join(root, path), 'utf8')])),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
