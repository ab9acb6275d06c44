import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const REPO_NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/**
 * `npm run build` for a Laravel fixture, with the Vite a Laravel app builds with: import.meta.env
 * comes from the project's .env (VITE_* keys, `${VAR}` expanded by Vite itself), TypeScript is
 * compiled, and bare imports (laravel-echo, pusher-js, @laravel/echo-react…) resolve from this
 * repository's node_modules, linked in as the app's own. Each entry (name → path under the
 * project) becomes public/build/<name>.js. Returns the output directory.
 */
export async function buildFrontEnd(root: string, entries: Record<string, string>): Promise<string> {
  if (!existsSync(join(root, 'node_modules'))) symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
  const outDir = join(root, 'public', 'build');
  await build({
    root,
    configFile: false,
    envDir: root,
    mode: 'production',
    logLevel: 'warn',
    // Not the linked node_modules/.vite: tests build side by side.
    cacheDir: join(root, '.vite-cache'),
    // Vue's compile-time flags, as @vitejs/plugin-vue sets them.
    define: { __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      modulePreload: false,
      rollupOptions: {
        input: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)])),
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  return outDir;
}
