import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `php -l`: the syntax check PHP itself runs. Returns PHP's message when the file is broken. */
export function phpLint(path: string): string | null {
  const result = spawnSync('php', ['-l', path], { encoding: 'utf8' });
  return result.status === 0 ? null : `${result.stdout}${result.stderr}`;
}

/**
 * Evaluates a Laravel config file the way Laravel boots: phpdotenv loads the .env into
 * Illuminate's env repository and the config's env() calls are Illuminate\Support\Env::get (the
 * Debian php-laravel-framework and php-vlucas-phpdotenv sources). Returns the config array;
 * throws with PHP's message when phpdotenv refuses the file, as Laravel would fail to boot.
 */
const BOOT = `
require '/usr/share/php/Illuminate/Support/autoload.php';
require_once '/usr/share/php/Dotenv/autoload.php';
Dotenv\\Dotenv::create(Illuminate\\Support\\Env::getRepository(), $argv[1])->load();
echo json_encode(require $argv[2]);
`;

export function evaluateConfig(path: string, envText: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'laravel-env-'));
  try {
    writeFileSync(join(dir, '.env'), envText);
    // Only PATH from the runner: a variable in the test's own environment would override the file.
    const out = execFileSync('php', ['-r', BOOT, dir, path], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    return JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
