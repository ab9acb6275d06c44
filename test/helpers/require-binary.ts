import { existsSync } from 'node:fs';
import { isOnPath } from '../../src/installer/find-executable.js';

/**
 * Some tests need a real binary (php for `php -l`, caddy for the proxy test). Locally, a missing
 * binary skips them with a loud warning; in CI (`CI=true`, where .ci/run installs them) it fails,
 * so a broken CI image can never turn into silently skipped tests.
 *
 * Use at module level: `const php = requireBinary('php', 'php-cli'); describe.skipIf(!php)(…)`.
 */
export function requireBinary(name: string, aptPackage: string = name): boolean {
  if (isOnPath(name)) return true;
  const message = `${name} is not on PATH (apt-get install ${aptPackage}); the tests that need it are skipped`;
  if (process.env.CI === 'true') throw new Error(`${message}, which CI does not allow: .ci/run should install it`);
  console.warn(`\n!!! ${message.toUpperCase()} !!!\n`);
  return false;
}

/**
 * The same contract for a file a Debian package installs (Illuminate for the doctor's Laravel
 * publish check): skip loudly when missing, fail in CI.
 */
export function requirePackageFile(path: string, aptPackage: string): boolean {
  if (existsSync(path)) return true;
  const message = `${path} is missing (apt-get install ${aptPackage}); the tests that need it are skipped`;
  if (process.env.CI === 'true') throw new Error(`${message}, which CI does not allow: .ci/run should install it`);
  console.warn(`\n!!! ${message.toUpperCase()} !!!\n`);
  return false;
}
