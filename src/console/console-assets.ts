import { readFileSync } from 'node:fs';

/** The browser modules, compiled by `tsc -p src/console/page` into dist/console/page/. */
export const PAGE_MODULES = ['app.js', 'event-stream.js', 'log-view.js', 'now-view.js', 'chart.js', 'dom.js', 'forms.js'] as const;

// package.json sits two levels above both src/console and dist/console, and so does dist/.
const PAGE_DIR = new URL('../../dist/console/page/', import.meta.url);

/**
 * Reads the compiled page modules once. A fixed list, served by exact name: nothing from the
 * request ever reaches the file system.
 */
export function loadPageModules(): Map<string, string> | { missing: string } {
  const modules = new Map<string, string>();
  for (const name of PAGE_MODULES) {
    try {
      modules.set(name, readFileSync(new URL(name, PAGE_DIR), 'utf8'));
    } catch {
      return { missing: new URL(name, PAGE_DIR).pathname };
    }
  }
  return modules;
}
