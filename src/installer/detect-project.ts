import { join, resolve } from 'node:path';
import { describeEnvProblem, parseLaravelEnv } from '../laravel/laravel-env.js';
import { readEnvValues } from './env-file.js';
import { detectFrontEnd, type FrontEndInfo } from './front-end.js';
import { detectLaravelVersion, type LaravelMajor } from './laravel-version.js';
import { isRecord, projectFiles, readJsonFile, type ProjectFiles } from './project-files.js';

export type BroadcastKey = 'BROADCAST_CONNECTION' | 'BROADCAST_DRIVER';

/**
 * Where channel routes get registered:
 * - `application-builder`: Laravel 11+ `bootstrap/app.php` with `->withRouting(channels: …)`;
 * - `service-provider`: Laravel 10 (and apps upgraded without the new skeleton), where
 *   `App\Providers\BroadcastServiceProvider` is listed, often commented out, in config/app.php.
 */
export type RoutingLayout = 'application-builder' | 'service-provider';

export interface LaravelProject {
  root: string;
  files: ProjectFiles;
  major: LaravelMajor;
  versionSource: string;
  layout: RoutingLayout;
  /** Laravel 10 names the default connection BROADCAST_DRIVER; 11+ BROADCAST_CONNECTION. */
  broadcastKey: BroadcastKey;
  /** `.env` text ('' when the file is missing). */
  envText: string;
  envExists: boolean;
  /** The values Laravel sees (phpdotenv rules, src/laravel), from the file alone. */
  env: Record<string, string>;
  /** The values as written, `${NAME}` unexpanded: tells our literal values from references. */
  envRaw: Record<string, string>;
  envExampleText: string | null;
  composerPackages: ReadonlySet<string>;
  front: FrontEndInfo;
  warnings: string[];
}

export type DetectResult = { ok: true; project: LaravelProject } | { ok: false; error: string };

function composerPackagesOf(files: ProjectFiles, composer: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const field of ['require', 'require-dev'] as const) {
    const deps = composer[field];
    if (isRecord(deps)) for (const name of Object.keys(deps)) names.add(name);
  }
  const lock = readJsonFile(files, 'composer.lock');
  if (lock?.ok && isRecord(lock.value)) {
    for (const field of ['packages', 'packages-dev'] as const) {
      const list = lock.value[field];
      if (Array.isArray(list)) for (const pkg of list) if (isRecord(pkg) && typeof pkg.name === 'string') names.add(pkg.name);
    }
  }
  return names;
}

function broadcastKeyOf(files: ProjectFiles, env: Record<string, string>, major: LaravelMajor): BroadcastKey {
  const config = files.read('config/broadcasting.php');
  if (config?.includes("'BROADCAST_DRIVER'")) return 'BROADCAST_DRIVER';
  if (config?.includes("'BROADCAST_CONNECTION'")) return 'BROADCAST_CONNECTION';
  if ('BROADCAST_DRIVER' in env && !('BROADCAST_CONNECTION' in env)) return 'BROADCAST_DRIVER';
  return major === 10 ? 'BROADCAST_DRIVER' : 'BROADCAST_CONNECTION';
}

/** Looks at a directory and says whether, and which kind of, Laravel project it is. */
export function detectProject(cwd: string): DetectResult {
  const root = resolve(cwd);
  const files = projectFiles(root);
  const lookedFor = `looked for ./artisan and laravel/framework in ./composer.json in ${root}`;

  if (!files.exists('artisan')) return { ok: false, error: `Not a Laravel project: no artisan file (${lookedFor}).` };
  const composer = readJsonFile(files, 'composer.json');
  if (composer === null) return { ok: false, error: `Not a Laravel project: no composer.json (${lookedFor}).` };
  if (!composer.ok) return { ok: false, error: `Cannot read the project: ${composer.error}.` };
  if (!isRecord(composer.value)) return { ok: false, error: 'Cannot read the project: composer.json is not a JSON object.' };
  const version = detectLaravelVersion(files, composer.value);
  if (!version.ok) return { ok: false, error: `Not a supported Laravel project: ${version.error} (${lookedFor}).` };

  const envText = files.read('.env');
  const warnings: string[] = [];
  let env: Record<string, string> = {};
  let envRaw: Record<string, string> = {};
  if (envText !== null) {
    // The file's own view: the installer edits the file, so the shell's variables do not count.
    const read = parseLaravelEnv(envText, join(root, '.env'), {});
    if (read.ok) {
      env = { ...read.env.php };
      envRaw = { ...read.env.raw };
    } else {
      env = readEnvValues(envText);
      envRaw = env;
      if (read.reason === 'invalid') warnings.push(`${describeEnvProblem(read)}. Laravel will not boot until it is fixed.`);
    }
  }
  const bootstrapApp = files.read('bootstrap/app.php') ?? '';
  const front = detectFrontEnd(files);

  return {
    ok: true,
    project: {
      root,
      files,
      major: version.major,
      versionSource: version.source,
      layout: bootstrapApp.includes('Application::configure(') ? 'application-builder' : 'service-provider',
      broadcastKey: broadcastKeyOf(files, env, version.major),
      envText: envText ?? '',
      envExists: envText !== null,
      env,
      envRaw,
      envExampleText: files.read('.env.example'),
      composerPackages: composerPackagesOf(files, composer.value),
      front,
      warnings: [...warnings, ...front.warnings],
    },
  };
}
