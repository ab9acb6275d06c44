import { parse as parseDotenv } from 'dotenv';

/**
 * Editing a Laravel .env the way Laravel's own `Env::writeVariables` does (framework
 * `src/Illuminate/Support/Env.php`, see ../shared/reference/pusher-protocol-and-laravel.md B1), so a
 * file touched by us looks like one touched by `php artisan install:broadcasting`:
 * - an identical line (quoted or not) is left alone;
 * - `KEY=` (empty) is filled in;
 * - an existing value is kept unless `overwrite`;
 * - a new key goes right after the last line sharing its prefix (`REVERB_`, `VITE_`…), or at the
 *   end after a blank line;
 * - values that are not purely alphanumeric are quoted (double quotes, or single quotes when the
 *   value itself contains a double quote), with backslash escapes like PHP's `addslashes`.
 * Every other line, comment, blank line and quote style is preserved byte for byte.
 */

export interface EnvLines {
  lines: string[];
  eol: '\n' | '\r\n';
}

export function splitEnvLines(text: string): EnvLines {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { lines: text.split(eol), eol };
}

export function joinEnvLines(env: EnvLines): string {
  return env.lines.join(env.eol);
}

/** The values a dotenv reader would see; never throws on odd input. `${VAR}` stays literal. */
export function readEnvValues(text: string): Record<string, string> {
  return parseDotenv(text);
}

function addSlashesExcept(value: string, keep: string): string {
  return value.replace(/[\\'"\0]/g, (c) => (c === keep ? c : c === '\0' ? '\\0' : '\\' + c));
}

/** Laravel's `prepareQuotedValue`. */
function quote(value: string): string {
  return value.includes('"') ? `'${addSlashesExcept(value, '"')}'` : `"${addSlashesExcept(value, "'")}"`;
}

/** The line Laravel would write for this key and value. */
export function formatEnvLine(key: string, value: string): string {
  if (value === '') return `${key}=`;
  return /^[a-zA-Z0-9]+$/.test(value) ? `${key}=${value}` : `${key}=${quote(value)}`;
}

export interface EnvWrite {
  key: string;
  value: string;
  overwrite: boolean;
  /**
   * Where a new key goes, tried in order: after the last line starting with the first prefix that
   * has one. Default: Laravel's rule, the key's own first word (`VITE_`, `REVERB_`…).
   */
  placeAfter?: readonly string[];
}

/** Applies one write; returns the same array when nothing changes. */
export function writeEnvVariable(lines: readonly string[], write: EnvWrite): readonly string[] {
  const { key, value, overwrite } = write;
  const prefixes = write.placeAfter ?? [key.split('_')[0] + '_'];
  const variations = value === '' ? [`${key}=`, `${key}=""`] : [`${key}=${quote(value)}`, `${key}=${value}`];
  const lineToAdd = formatEnvLine(key, value);
  const lastIndex = prefixes.map(() => -1);

  for (const [index, line] of lines.entries()) {
    prefixes.forEach((prefix, i) => {
      if (line.startsWith(prefix)) lastIndex[i] = index;
    });
    if (variations.includes(line)) return lines;
    if (line === `${key}=` || line.startsWith(`${key}=`)) {
      if (line !== `${key}=` && !overwrite) return lines;
      const next = [...lines];
      next[index] = lineToAdd;
      return next;
    }
  }

  const lastPrefixIndex = lastIndex.find((index) => index !== -1) ?? -1;
  if (lastPrefixIndex === -1) {
    // Laravel appends after a blank line. It splits on EOL, so a final newline shows up as a
    // trailing '' and its output then loses that newline; we keep the file ending in one.
    const hasFinalNewline = lines.length > 0 && lines[lines.length - 1] === '';
    const body = hasFinalNewline ? lines.slice(0, -1) : [...lines];
    if (body.length > 0 && body[body.length - 1] !== '') body.push('');
    body.push(lineToAdd);
    if (hasFinalNewline) body.push('');
    return body;
  }
  return [...lines.slice(0, lastPrefixIndex + 1), lineToAdd, ...lines.slice(lastPrefixIndex + 1)];
}

const lineKey = (line: string) => /^([A-Za-z0-9_.]+)=/.exec(line)?.[1];

/**
 * Moves each line of `keys` that references a `${NAME}` defined further down to just after that
 * definition. phpdotenv (Laravel) and plain dotenv-expand only resolve backward references, so
 * `VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"` must come after `REVERB_APP_KEY=` (Vite alone would
 * cope). Other lines are never moved.
 */
export function orderReferences(lines: readonly string[], keys: ReadonlySet<string>): string[] {
  const out = [...lines];
  for (let pass = 0; pass < out.length; pass++) {
    let moved = false;
    for (let i = 0; i < out.length && !moved; i++) {
      const key = lineKey(out[i]!);
      if (!key || !keys.has(key)) continue;
      for (const [, name] of out[i]!.matchAll(/\$\{([A-Za-z0-9_.]+)\}/g)) {
        const defined = out.findLastIndex((line) => lineKey(line) === name);
        if (defined > i) {
          const [line] = out.splice(i, 1);
          out.splice(defined, 0, line!);
          moved = true;
          break;
        }
      }
    }
    if (!moved) break;
  }
  return out;
}

/** Applies writes in order to a whole file's text, then puts our references after what they name. */
export function writeEnvVariables(text: string, writes: readonly EnvWrite[]): string {
  const env = splitEnvLines(text);
  let lines: readonly string[] = env.lines;
  for (const write of writes) lines = writeEnvVariable(lines, write);
  const referencing = new Set(writes.filter((write) => write.value.includes('${')).map((write) => write.key));
  return joinEnvLines({ lines: orderReferences(lines, referencing), eol: env.eol });
}
