import { isRecord, readJsonFile, type ProjectFiles } from './project-files.js';

export const SUPPORTED_MAJORS = [10, 11, 12, 13] as const;
export type LaravelMajor = (typeof SUPPORTED_MAJORS)[number];

export type LaravelVersionResult =
  | { ok: true; major: LaravelMajor; source: string }
  | { ok: false; error: string };

function majorOf(version: string): number | null {
  const match = /(\d+)/.exec(version.replace(/^v/, ''));
  return match ? Number(match[1]) : null;
}

function lockedVersion(files: ProjectFiles): string | null {
  const lock = readJsonFile(files, 'composer.lock');
  if (!lock?.ok || !isRecord(lock.value) || !Array.isArray(lock.value.packages)) return null;
  for (const pkg of lock.value.packages) {
    if (isRecord(pkg) && pkg.name === 'laravel/framework' && typeof pkg.version === 'string') return pkg.version;
  }
  return null;
}

/**
 * The Laravel major, from composer.lock (exact) or the composer.json constraint (`^11.31` → 11).
 * `composer.json` must require laravel/framework; that requirement is part of what makes the
 * directory a Laravel project.
 */
export function detectLaravelVersion(files: ProjectFiles, composer: Record<string, unknown>): LaravelVersionResult {
  const require = isRecord(composer.require) ? composer.require : {};
  const constraint = require['laravel/framework'];
  if (typeof constraint !== 'string') {
    return { ok: false, error: 'composer.json does not require laravel/framework' };
  }
  const locked = lockedVersion(files);
  const source = locked ? `composer.lock (${locked})` : `composer.json (laravel/framework ${constraint})`;
  const major = majorOf(locked ?? constraint);
  if (major === null) {
    return { ok: false, error: `cannot tell the Laravel version from ${source}` };
  }
  if (!(SUPPORTED_MAJORS as readonly number[]).includes(major)) {
    return { ok: false, error: `Laravel ${major} is not supported (found in ${source}); supported: ${SUPPORTED_MAJORS.join(', ')}` };
  }
  return { ok: true, major: major as LaravelMajor, source };
}
