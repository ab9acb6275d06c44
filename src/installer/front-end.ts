import { isRecord, readJsonFile, type ProjectFiles } from './project-files.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/**
 * How the app builds its JavaScript, which decides where Echo is configured:
 * - `global`: a `resources/js/echo.{js,ts}` that sets `window.Echo`, imported from bootstrap/app
 *   (Laravel's stock front end, and any app that already has such an echo file);
 * - `react` / `vue`: an `echo.{js,ts}` module calling `configureEcho` from `@laravel/echo-react`
 *   or `@laravel/echo-vue`, imported from the app entry (Laravel 12+ starter kits);
 * - `none`: no package.json or no entry file; the installer prints what to add.
 */
export type FrontEnd =
  | { kind: 'global'; entry: string; echoFile: string; typescript: boolean }
  | { kind: 'react' | 'vue'; entry: string; echoFile: string; typescript: boolean }
  | { kind: 'none'; reason: string };

export interface FrontEndInfo {
  frontEnd: FrontEnd;
  packageManager: PackageManager | null;
  /** Dependencies and devDependencies of package.json. */
  packages: ReadonlySet<string>;
  warnings: string[];
}

const first = (files: ProjectFiles, paths: readonly string[]) => paths.find((p) => files.exists(p)) ?? null;

function packageManagerOf(files: ProjectFiles): PackageManager {
  if (files.exists('pnpm-lock.yaml')) return 'pnpm';
  if (files.exists('yarn.lock')) return 'yarn';
  if (files.exists('bun.lock') || files.exists('bun.lockb')) return 'bun';
  return 'npm';
}

function echoFileFor(entry: string): string {
  return /\.tsx?$/.test(entry) ? 'resources/js/echo.ts' : 'resources/js/echo.js';
}

export function detectFrontEnd(files: ProjectFiles): FrontEndInfo {
  const warnings: string[] = [];
  const pkg = readJsonFile(files, 'package.json');
  if (pkg === null) {
    return { frontEnd: { kind: 'none', reason: 'no package.json' }, packageManager: null, packages: new Set(), warnings };
  }
  if (!pkg.ok || !isRecord(pkg.value)) {
    warnings.push(pkg.ok ? 'package.json is not a JSON object' : pkg.error);
    return { frontEnd: { kind: 'none', reason: 'package.json cannot be read' }, packageManager: null, packages: new Set(), warnings };
  }
  const packages = new Set<string>();
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = pkg.value[field];
    if (isRecord(deps)) for (const name of Object.keys(deps)) packages.add(name);
  }
  const packageManager = packageManagerOf(files);

  // An existing echo file decides: one that sets window.Echo means the app's code talks to
  // window.Echo; one that calls configureEcho (ours, from an earlier run) means the hooks.
  const existingEcho = first(files, ['resources/js/echo.ts', 'resources/js/echo.js']);
  const echoText = existingEcho ? files.read(existingEcho) ?? '' : '';
  const configured = /from\s+['"]@laravel\/echo-(react|vue)['"]/.exec(echoText)?.[1] as 'react' | 'vue' | undefined;
  const framework = existingEcho
    ? configured ?? null
    : packages.has('vue') ? 'vue' : packages.has('react') ? 'react' : null;

  if (framework) {
    const candidates = framework === 'vue'
      ? ['resources/js/app.ts', 'resources/js/app.js']
      : ['resources/js/app.tsx', 'resources/js/app.jsx', 'resources/js/app.ts', 'resources/js/app.js'];
    const entry = first(files, candidates);
    if (entry) {
      const echoFile = existingEcho ?? echoFileFor(entry);
      return { frontEnd: { kind: framework, entry, echoFile, typescript: echoFile.endsWith('.ts') }, packageManager, packages, warnings };
    }
    return { frontEnd: { kind: 'none', reason: `no ${candidates.join(' / ')}` }, packageManager, packages, warnings };
  }

  const entry = first(files, ['resources/js/bootstrap.ts', 'resources/js/bootstrap.js', 'resources/js/app.ts', 'resources/js/app.js']);
  if (!entry) {
    return { frontEnd: { kind: 'none', reason: 'no resources/js/bootstrap.js or app.js' }, packageManager, packages, warnings };
  }
  const echoFile = existingEcho ?? echoFileFor(entry);
  return { frontEnd: { kind: 'global', entry, echoFile, typescript: echoFile.endsWith('.ts') }, packageManager, packages, warnings };
}
