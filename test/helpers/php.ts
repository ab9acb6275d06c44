import { execFileSync, spawnSync } from 'node:child_process';
import { parse as parseDotenv } from 'dotenv';

/** `php -l`: the syntax check PHP itself runs. Returns PHP's message when the file is broken. */
export function phpLint(path: string): string | null {
  const result = spawnSync('php', ['-l', path], { encoding: 'utf8' });
  return result.status === 0 ? null : `${result.stdout}${result.stderr}`;
}

/**
 * Evaluates a Laravel config file with a small env() shim that behaves like Laravel's helper
 * (true/false/null/empty keywords, defaults when unset) over the values of a .env, and returns
 * the config array as JSON.
 */
const SHIM = `
$values = json_decode(stream_get_contents(STDIN), true);
function env($key, $default = null) {
    global $values;
    if (!array_key_exists($key, $values)) return $default instanceof Closure ? $default() : $default;
    $value = $values[$key];
    switch (strtolower($value)) {
        case 'true': case '(true)': return true;
        case 'false': case '(false)': return false;
        case 'empty': case '(empty)': return '';
        case 'null': case '(null)': return null;
    }
    return $value;
}
echo json_encode(require $argv[1]);
`;

export function evaluateConfig(path: string, envText: string): unknown {
  const out = execFileSync('php', ['-r', SHIM, path], { input: JSON.stringify(parseDotenv(envText)), encoding: 'utf8' });
  return JSON.parse(out);
}
