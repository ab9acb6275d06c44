import type { LaravelProject } from './detect-project.js';
import type { PackageManager } from './front-end.js';
import { frameworkPackageFor } from './plan-echo.js';

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
  if (front.frontEnd.kind !== 'none' && front.packageManager) {
    const wanted = ['laravel-echo', 'pusher-js', frameworkPackageFor(project)].filter((name): name is string => name !== null);
    const missing = wanted.filter((name) => !front.packages.has(name));
    if (missing.length > 0) {
      commands.push({ why: 'Echo and pusher-js for the browser', command: front.packageManager, args: [...ADD_DEV[front.packageManager], ...missing] });
    }
  }
  return commands;
}
