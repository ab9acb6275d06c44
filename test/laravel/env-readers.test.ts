import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnv } from 'vite';
import { describe, expect, it } from 'vitest';
import { parseLaravelEnv } from '../../src/laravel/laravel-env.js';
import { requireBinary } from '../helpers/require-binary.js';

const php = requireBinary('php', 'php-cli');
const PHPDOTENV = '/usr/share/php/Dotenv/autoload.php';

/**
 * Loads a .env with the real vlucas/phpdotenv (Debian php-vlucas-phpdotenv, what Laravel 8-12
 * bundles), through an immutable repository over the process environment as Laravel does, and
 * returns what Laravel would see for each name, or phpdotenv's error.
 */
const LOADER = `
require '${PHPDOTENV}';
$repository = Dotenv\\Repository\\RepositoryBuilder::createWithDefaultAdapters()->immutable()->make();
try {
    Dotenv\\Dotenv::create($repository, $argv[1])->load();
} catch (Dotenv\\Exception\\InvalidFileException $e) {
    echo json_encode(['error' => $e->getMessage()]);
    exit;
}
$out = [];
foreach (array_slice($argv, 2) as $name) { $value = $repository->get($name); if ($value !== null) $out[$name] = $value; }
echo json_encode(['values' => (object) $out]);
`;

function phpdotenv(text: string, names: string[], env: Record<string, string> = {}): { values?: Record<string, string>; error?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'phpdotenv-'));
  writeFileSync(join(dir, '.env'), text);
  return JSON.parse(execFileSync('php', ['-r', LOADER, dir, ...names], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' })) as never;
}

function ours(text: string, env: Record<string, string> = {}) {
  const read = parseLaravelEnv(text, '.env', env);
  if (!read.ok) return { error: read.reason === 'invalid' ? read.error : read.reason };
  return { values: { ...read.env.php } };
}

/** Each case pins one phpdotenv rule the sidecar depends on. */
const PHP_CASES: Array<[string, string, Record<string, string>?]> = [
  ['backward reference, as install writes it', 'T_KEY=abc\nVITE_T_KEY="${T_KEY}"\nT_UNQUOTED=${T_KEY}-x\n'],
  ['forward reference stays literal', 'VITE_T_HOST="${T_HOST}"\nT_HOST=localhost\n'],
  ['unknown reference stays literal', 'T_A="${T_NOWHERE}/x"\n'],
  ['single quotes and $NAME do not expand', "T_A=1\nT_B='${T_A}'\nT_C=$T_A\nT_D=\"$T_A\"\n"],
  ['the process environment wins, also for references', 'T_ENV=file\nT_REF="${T_ENV}"\nT_OTHER=${T_FROM_PROCESS}\n', { T_ENV: 'process', T_FROM_PROCESS: 'p2' }],
  ['double-quote escapes', 'T_A="a\\"b\\\\c\\$d\\ne"\nT_B="tab\\there"\n'],
  ['comments, export, empty values', '# comment\nexport T_A=one # trailing\nT_B="two # kept"\nT_C=\nT_D=""\n  T_E = spaced  \n'],
  ['a multi-line double-quoted value', 'T_A="line one\nline two"\nT_B=after\n'],
  ['duplicates: the last wins; a bare name unsets', 'T_A=1\nT_A=2\nT_B=3\nT_B\n'],
  ['CRLF line ends', 'T_A=1\r\nT_B="${T_A}2"\r\n'],
  ['unquoted value with a space is an error', 'T_A=ok\nT_B=My App\n'],
  ['missing closing quote is an error', 'T_A="open\n'],
  ['unknown escape is an error', 'T_A="\\q"\n'],
  ['an invalid name is an error', 'T-A=1\n'],
];

describe.skipIf(!php)('our .env reader agrees with the real phpdotenv (what Laravel sees)', () => {
  for (const [title, text, env] of PHP_CASES) {
    it(title, () => {
      const mine = ours(text, env);
      const names = [...new Set([...text.matchAll(/^(?:export )?\s*([A-Z_]+)/gm)].map((m) => m[1]!))];
      const theirs = phpdotenv(text, names, env);
      if (theirs.error !== undefined) {
        expect(mine.error, `phpdotenv: ${theirs.error}`).toBeDefined();
        // phpdotenv's "Encountered <reason> at [...]": we report the same reason.
        const reason = /Encountered (.+?) at \[/.exec(theirs.error)?.[1];
        expect(mine.error).toContain(reason);
      } else {
        expect(mine.error).toBeUndefined();
        const expected = Object.fromEntries(Object.entries(theirs.values!).filter(([name]) => !(env && name in env)));
        const actual = Object.fromEntries(Object.entries(mine.values!).filter(([name]) => !(env && name in env)));
        expect(actual).toEqual(expected);
        if (env) for (const name of Object.keys(env)) if (name in mine.values!) expect(mine.values![name]).toBe(theirs.values![name]);
      }
    });
  }
});

describe("our Vite view agrees with Vite's loadEnv (what import.meta.env gets)", () => {
  const VITE_CASES: Array<[string, string]> = [
    ['forward references resolve', 'VITE_T_HOST="${T_HOST}"\nVITE_T_PORT=${T_PORT}\nT_HOST=localhost\nT_PORT=8080\n'],
    ['backward references, $NAME and defaults', 'T_KEY=abc\nVITE_T_KEY="${T_KEY}"\nVITE_T_BARE=$T_KEY\nVITE_T_DEFAULT=${T_MISSING:-fallback}\nVITE_T_UNKNOWN=${T_NOWHERE}x\n'],
    ["single quotes still expand, and \\$ keeps a dollar", "T_A=1\nVITE_T_SINGLE='${T_A}'\nVITE_T_ESCAPED=\"\\${T_A}\"\n"],
  ];
  for (const [title, text] of VITE_CASES) {
    it(title, () => {
      const dir = mkdtempSync(join(tmpdir(), 'vite-env-'));
      writeFileSync(join(dir, '.env'), text);
      const vite = loadEnv('production', dir, 'VITE_T_');
      const read = parseLaravelEnv(text, '.env', process.env);
      if (!read.ok) throw new Error(read.reason);
      const mine = Object.fromEntries(Object.entries(read.env.vite).filter(([name]) => name.startsWith('VITE_T_')));
      expect(mine).toEqual(vite);
    });
  }

  it('the installer-era trap: Vite resolves a forward reference that Laravel keeps literal', () => {
    const text = 'VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"\nREVERB_APP_KEY=abc\n';
    const read = parseLaravelEnv(text, '.env', {});
    if (!read.ok) throw new Error(read.reason);
    expect(read.env.vite.VITE_REVERB_APP_KEY).toBe('abc');
    expect(read.env.php.VITE_REVERB_APP_KEY).toBe('${REVERB_APP_KEY}');
    expect(read.env.raw.VITE_REVERB_APP_KEY).toBe('${REVERB_APP_KEY}');
  });
});
