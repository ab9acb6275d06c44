import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Stubs are real files under `stubs/` (shipped in the npm package). Both `src/installer` (tests)
 * and `dist/installer` (the published build) sit two levels below the package root.
 */
const STUBS_DIR = fileURLToPath(new URL('../../stubs/', import.meta.url));

export type StubValues = Record<string, string | number | boolean>;

export function stubPath(name: string): string {
  return STUBS_DIR + name;
}

/**
 * A deliberately tiny template language, enough for our stubs and nothing more:
 * `{{name}}` inserts a value; `{{#name}}…{{/name}}` keeps the block when the value is truthy,
 * `{{^name}}…{{/name}}` when it is falsy. A tag alone on its line takes the whole line with it,
 * so optional blocks leave no blank lines behind. A name without a value is a bug in the caller
 * and throws, rather than writing `{{name}}` into someone's project.
 */
export function renderTemplate(template: string, values: StubValues): string {
  const lookup = (name: string) => {
    if (!(name in values)) throw new Error(`stub value "${name}" is missing`);
    return values[name]!;
  };
  // A section tag alone on its line takes the line with it.
  let text = template.replace(/^[ \t]*(\{\{[#^/]\w+\}\})[ \t]*\r?\n/gm, '$1');
  const section = /\{\{([#^])(\w+)\}\}([\s\S]*?)\{\{\/\2\}\}/;
  for (let match = section.exec(text); match; match = section.exec(text)) {
    const [whole, kind, name, body] = match as unknown as [string, string, string, string];
    const keep = kind === '#' ? Boolean(lookup(name)) : !lookup(name);
    text = text.slice(0, match.index) + (keep ? body : '') + text.slice(match.index + whole.length);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(lookup(name)));
}

export function renderStub(name: string, values: StubValues): string {
  return renderTemplate(readFileSync(stubPath(name), 'utf8'), values);
}
