/**
 * A `.env` file read the way Laravel reads it: vlucas/phpdotenv 5 (Laravel 8–12), as it runs on
 * this machine's /usr/share/php/Dotenv and in every Laravel app. The differences from Node's
 * `dotenv` that matter here:
 * - `${NAME}` is expanded in unquoted and double-quoted values, never in single quotes; `$NAME`
 *   without braces stays literal;
 * - a reference is looked up when its line is read: a name defined further down (a forward
 *   reference) or nowhere stays the literal text `${NAME}`;
 * - the real environment wins: a name already set in the process is neither replaced by the file
 *   nor seen with the file's value by later references (Laravel's repository is immutable);
 * - double quotes know the escapes `\"` `\\` `\$` `\f` `\n` `\r` `\t` `\v` only; any other escape,
 *   a missing closing quote, or a space inside an unquoted value makes the whole file invalid, and
 *   Laravel then refuses to boot. Such a file is reported here with its line, never thrown.
 */

export interface PhpDotenvEntry {
  name: string;
  /** null: a line without `=`, which unsets the name. */
  value: { chars: string; vars: number[] } | null;
  line: number;
}

export type PhpDotenvParse =
  | { ok: true; entries: PhpDotenvEntry[] }
  | { ok: false; error: string; line: number };

/** phpdotenv's lexer tokens: line breaks, blanks, `\`, quotes, `#`, `$`, and runs of anything else. */
const TOKEN = /[\r\n]+|[^\S\r\n]+|\\|'|"|#|\$|[^\s\\'"#$]+/gy;

const enum State { Initial, Unquoted, Single, Double, Escape, Whitespace, Comment }

const isBlank = (token: string) => /^\s+$/.test(token);

/** Counts `"` not preceded by a backslash, after dropping escaped backslashes. */
function unescapedQuotes(line: string): number {
  return (line.replace(/\\\\/g, '').match(/(?<=[^\\])"/g) ?? []).length;
}

function isMultilineStop(line: string, started: boolean): boolean {
  if (line === '"') return true;
  const count = unescapedQuotes(line);
  return started ? count > 1 : count >= 1;
}

/** Joins a double-quoted value spread over several lines, and drops blanks and comments. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let buffer: string[] = [];
  let bufferStart = 0;
  text.split(/\r\n|\n|\r/).forEach((line, index) => {
    const started = buffer.length === 0 && line.includes('="') && !isMultilineStop(line, true);
    if (started) bufferStart = index + 1;
    if (buffer.length > 0 || started) {
      buffer.push(line);
      if (isMultilineStop(line, started)) {
        out.push({ text: buffer.join('\n'), line: bufferStart });
        buffer = [];
      }
      return;
    }
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) out.push({ text: line, line: index + 1 });
  });
  // An unterminated multi-line value is never emitted, exactly as phpdotenv drops it.
  return out;
}

function parseName(raw: string): string | null {
  let name = raw;
  if (name.length > 8 && name.startsWith('export') && /\s/.test(name[6]!)) name = name.slice(6).trimStart();
  if (name.length >= 3 && ((name.startsWith('"') && name.endsWith('"')) || (name.startsWith("'") && name.endsWith("'")))) {
    name = name.slice(1, -1);
  }
  return /^[a-zA-Z0-9_.]+$/.test(name) ? name : null;
}

function parseValue(raw: string): { chars: string; vars: number[] } | string {
  if (raw.trim() === '') return { chars: '', vars: [] };
  let chars = '';
  const vars: number[] = [];
  let state = State.Initial;
  const add = (text: string, isVar = false) => {
    if (isVar) vars.push(chars.length);
    chars += text;
  };
  for (const [token] of raw.matchAll(TOKEN)) {
    switch (state) {
      case State.Initial:
      case State.Unquoted:
        if (state === State.Initial && token === "'") state = State.Single;
        else if (state === State.Initial && token === '"') state = State.Double;
        else if (token === '#') state = State.Comment;
        else if (state === State.Unquoted && isBlank(token)) state = State.Whitespace;
        else {
          add(token, token === '$');
          state = State.Unquoted;
        }
        break;
      case State.Single:
        if (token === "'") state = State.Whitespace;
        else add(token);
        break;
      case State.Double:
        if (token === '"') state = State.Whitespace;
        else if (token === '\\') state = State.Escape;
        else add(token, token === '$');
        break;
      case State.Escape: {
        state = State.Double;
        if (token === '"' || token === '\\' || token === '$') add(token);
        else {
          const escapes: Record<string, string> = { f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
          const first = escapes[token[0]!];
          if (first === undefined) return 'an unexpected escape sequence';
          add(first + token.slice(1));
        }
        break;
      }
      case State.Whitespace:
        if (token === '#') state = State.Comment;
        else if (!isBlank(token)) return 'unexpected whitespace';
        break;
      case State.Comment:
        break;
    }
  }
  if (state === State.Single || state === State.Double || state === State.Escape) return 'a missing closing quote';
  return { chars, vars };
}

/** Parses the file's syntax; a file phpdotenv would refuse comes back with the reason and line. */
export function parsePhpDotenv(text: string): PhpDotenvParse {
  const entries: PhpDotenvEntry[] = [];
  for (const { text: entry, line } of logicalLines(text)) {
    const equals = entry.indexOf('=');
    const rawName = (equals === -1 ? entry : entry.slice(0, equals)).trim();
    const rawValue = equals === -1 ? null : entry.slice(equals + 1).trim();
    if (rawName === '') return { ok: false, error: 'an unexpected equals', line };
    const name = parseName(rawName);
    if (name === null) return { ok: false, error: `an invalid name "${rawName.slice(0, 40)}"`, line };
    if (rawValue === null) {
      entries.push({ name, value: null, line });
      continue;
    }
    const value = parseValue(rawValue);
    if (typeof value === 'string') return { ok: false, error: `${value} in the value of ${name}`, line };
    entries.push({ name, value, line });
  }
  return { ok: true, entries };
}

const REFERENCE = /^\$\{([a-zA-Z0-9_.]+)\}/;

/**
 * The values Laravel's `env()` sees (before its true/false/null/empty conversions): entries applied
 * in file order over the process environment, which wins.
 */
export function resolvePhpDotenv(entries: readonly PhpDotenvEntry[], processEnv: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const loaded = new Map<string, string>();
  const fromFile = new Set<string>();
  const lookup = (name: string): string | undefined => (Object.hasOwn(processEnv, name) ? processEnv[name] : undefined) ?? loaded.get(name);
  const external = (name: string) => Object.hasOwn(processEnv, name) && processEnv[name] !== undefined && !fromFile.has(name);
  for (const entry of entries) {
    if (external(entry.name)) continue;
    if (entry.value === null) {
      loaded.delete(entry.name);
      continue;
    }
    let chars = entry.value.chars;
    // Right to left, so earlier positions stay valid while later references are replaced.
    for (const at of [...entry.value.vars].sort((a, b) => b - a)) {
      const rest = chars.slice(at);
      const match = REFERENCE.exec(rest);
      if (!match) continue;
      const found = lookup(match[1]!);
      if (found !== undefined) chars = chars.slice(0, at) + found + rest.slice(match[0].length);
    }
    loaded.set(entry.name, chars);
    fromFile.add(entry.name);
  }
  return loaded;
}

/**
 * What `env('NAME')` returns as a string: Laravel turns `null`/`(null)` into null (undefined
 * here) and `empty`/`(empty)` into '', and strips one pair of matching outer quotes.
 */
export function laravelEnvString(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'null' || lower === '(null)') return undefined;
  if (lower === 'empty' || lower === '(empty)') return '';
  const quoted = /^(['"])([\s\S]*)\1$/.exec(value);
  return quoted ? quoted[2] : value;
}
