import { parse as parseDotenv } from 'dotenv';

/**
 * A `.env` file read the way Vite reads it for `import.meta.env` (Node's dotenv syntax, then
 * dotenv-expand, as `loadEnv` in Vite 5 to 8 does). Where it differs from Laravel (php-dotenv.ts):
 * - a reference may point forward: `VITE_REVERB_HOST="${REVERB_HOST}"` above `REVERB_HOST=` still
 *   resolves, while PHP keeps the literal text;
 * - `$NAME` without braces and `${NAME:-default}` are expanded too, and an unknown name becomes '';
 * - single quotes do not stop expansion (dotenv has already dropped them); `\$` keeps a dollar.
 * The real environment wins over the file, as in Laravel.
 */
export function resolveViteEnv(text: string, processEnv: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const parsed = new Map(Object.entries(parseDotenv(text)));
  const lookup = (name: string) => (Object.hasOwn(processEnv, name) ? processEnv[name] : undefined) || parsed.get(name);
  const pattern = /(?<!\\)\$\{([^{}]+)\}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)/;

  const expand = (name: string, raw: string): string => {
    let result = raw;
    const seen = new Set<string>();
    for (let match = pattern.exec(result); match; match = pattern.exec(result)) {
      seen.add(result);
      const [template, braced, bare] = match;
      const expression = braced ?? bare!;
      const operator = /:\+|\+|:-|-/.exec(expression)?.[0];
      const [ref = '', ...restParts] = operator ? expression.split(operator) : [expression];
      const rest = restParts.join(operator ?? '');
      let replacement: string;
      if (operator === ':+' || operator === '+') replacement = lookup(ref) ? rest : '';
      else {
        const found = lookup(ref);
        replacement = found ? (seen.has(found) ? rest : found) : rest;
      }
      result = result.replace(template, replacement);
      if (result === parsed.get(name)) break;
    }
    return result;
  };

  for (const [name, raw] of parsed) {
    const fromProcess = Object.hasOwn(processEnv, name) ? processEnv[name] : undefined;
    const value = fromProcess && fromProcess !== raw ? fromProcess : expand(name, raw);
    parsed.set(name, value.replace(/\\\$/g, '$'));
  }
  return parsed;
}
