import type { LaravelProject } from './detect-project.js';
import type { PackageManager } from './front-end.js';
import { packageVersion } from './package-version.js';
import { frameworkPackageFor } from './plan-echo.js';

export const SIDECAR_PACKAGE = 'pusher-sidecar';

/**
 * The sidecar joins the app's devDependencies whenever the app has a package.json, so
 * `npx pusher-sidecar` and the service files run that pinned, installed copy instead of fetching
 * whatever is newest on each start.
 */
export function usesInstalledSidecar(project: LaravelProject): boolean {
  return project.front.packageManager !== null;
}

export interface DependencyCommand {
  /** What it is for, shown before it runs. */
  why: string;
  command: string;
  args: string[];
}

const ADD_DEV: Record<PackageManager, string[]> = {
  npm: ['install', '--save-dev'],
  pnpm: ['add', '--save-dev'],
  yarn: ['add', '--dev'],
  bun: ['add', '--dev'],
};

export function formatCommand(cmd: DependencyCommand): string {
  return [cmd.command, ...cmd.args].join(' ');
}

/**
 * Laravel's `reverb` and `pusher` drivers both post through pusher/pusher-php-server; the browser
 * needs laravel-echo and pusher-js (plus the React/Vue wrapper). Packages already required are skipped.
 */
export function planDependencies(project: LaravelProject): DependencyCommand[] {
  const commands: DependencyCommand[] = [];
  const php = project.composerPackages;
  if (!php.has('pusher/pusher-php-server') && !php.has('laravel/reverb')) {
    commands.push({ why: 'the PHP SDK Laravel publishes with', command: 'composer', args: ['require', 'pusher/pusher-php-server'] });
  }
  const front = project.front;
  if (front.packageManager) {
    const wanted = front.frontEnd.kind === 'none' ? [] : ['laravel-echo', 'pusher-js', frameworkPackageFor(project)].filter((name): name is string => name !== null);
    const missing = wanted.filter((name) => !front.packages.has(name));
    const sidecar = usesInstalledSidecar(project) && !front.packages.has(SIDECAR_PACKAGE);
    if (sidecar) missing.push(`${SIDECAR_PACKAGE}@^${packageVersion()}`);
    if (missing.length > 0) {
      const why = [wanted.some((name) => missing.includes(name)) ? 'Echo and pusher-js for the browser' : null, sidecar ? 'this sidecar, pinned for npx and the service file' : null]
        .filter(Boolean).join('; ');
      commands.push({ why, command: front.packageManager, args: [...ADD_DEV[front.packageManager], ...missing] });
    }
  }
  return commands;
}
