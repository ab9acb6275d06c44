import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/**
 * `npm run build` as laravel-vite-plugin sets it up, with real Vite: `entry` becomes
 * resources/js/app.js, the project's .env supplies import.meta.env.VITE_*, and the output goes to
 * public/build with its manifest.json. The project borrows this repo's node_modules
 * (laravel-echo, pusher-js) through a symlink.
 */
export async function buildFrontEnd(dir: string, entry: string): Promise<void> {
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  const app = join(dir, 'resources', 'js', 'app.js');
  mkdirSync(dirname(app), { recursive: true });
  writeFileSync(app, entry);
  await build({
    root: dir, envDir: dir, configFile: false, logLevel: 'silent',
    build: { manifest: 'manifest.json', outDir: 'public/build', emptyOutDir: true, rollupOptions: { input: 'resources/js/app.js' } },
  });
}
