import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, pass, warn, type CheckResult } from './check-result.js';
import { prefixOf, type Driver } from './laravel-env.js';

/** The Echo options Vite inlined into a built asset (only those it could read as literals). */
export interface BuiltEchoOptions {
  file: string;
  key?: string;
  wsHost?: string;
  wsPort?: string;
  wssPort?: string;
  forceTLS?: boolean;
}

// A string literal in any of the quotes minifiers emit (esbuild: "…", oxc/rolldown: `…`).
const STRING = String.raw`(?:"([^"\\]*)"|'([^'\\]*)'|\x60([^\x60\\$]*)\x60)`;
// A port: a string or a number, possibly wrapped in Number(…) as pusher-sidecar's stub does.
const PORT = String.raw`(?:Number\(\s*)?(?:${STRING}|(\d+))`;

function stringAt(match: RegExpExecArray | null): string | undefined {
  return match ? match[1] ?? match[2] ?? match[3] ?? match[4] : undefined;
}

/**
 * Reads the Echo options out of minified JS: each `wsHost:"…"` literal, with the `key`,
 * `wsPort`, `wssPort` and `forceTLS` literals of the same object around it.
 */
export function findBuiltEchoOptions(file: string, code: string): BuiltEchoOptions[] {
  const found: BuiltEchoOptions[] = [];
  const hosts = new RegExp(String.raw`\bwsHost\s*:\s*${STRING}`, 'g');
  for (let host = hosts.exec(code); host; host = hosts.exec(code)) {
    // The object literal around it: back to the nearest "{" and on to the nearest "}" is enough
    // for the flat option bags Echo is given.
    const start = code.lastIndexOf('{', host.index);
    const end = code.indexOf('}', host.index);
    const literal = code.slice(start < 0 ? Math.max(0, host.index - 400) : start, end < 0 ? host.index + 600 : end);
    const options: BuiltEchoOptions = { file, wsHost: stringAt(host) ?? '' };
    const key = stringAt(new RegExp(String.raw`\bkey\s*:\s*${STRING}`).exec(literal));
    if (key !== undefined) options.key = key;
    const wsPort = stringAt(new RegExp(String.raw`\bwsPort\s*:\s*${PORT}`).exec(literal));
    if (wsPort !== undefined) options.wsPort = wsPort;
    const wssPort = stringAt(new RegExp(String.raw`\bwssPort\s*:\s*${PORT}`).exec(literal));
    if (wssPort !== undefined) options.wssPort = wssPort;
    const tls = /\bforceTLS\s*:\s*(!0|!1|true|false)\b/.exec(literal);
    if (tls) options.forceTLS = tls[1] === '!0' || tls[1] === 'true';
    found.push(options);
  }
  return found;
}

/** JS files of the current build, from Vite's manifest (old hashed files may linger beside them). */
function manifestFiles(manifestText: string): string[] | undefined {
  try {
    const manifest = JSON.parse(manifestText) as Record<string, { file?: unknown; dynamicImports?: unknown }>;
    const files = new Set<string>();
    for (const chunk of Object.values(manifest)) {
      if (typeof chunk?.file === 'string' && /\.[cm]?js$/.test(chunk.file)) files.add(chunk.file);
    }
    return [...files];
  } catch {
    return undefined;
  }
}

/**
 * Vite writes VITE_* values into the bundle at build time, so after a .env change the browser
 * keeps the old key, host and port until `npm run build` runs again. Returns nothing for the dev
 * server (public/hot: Vite serves .env live) and for a project without a front end.
 */
export function checkBuiltBundle(dir: string, env: Record<string, string>, driver: Driver): CheckResult | undefined {
  if (existsSync(join(dir, 'public', 'hot'))) return undefined;
  const manifestPath = join(dir, 'public', 'build', 'manifest.json');
  const rebuild = 'run `npm run build`';
  if (!existsSync(manifestPath)) {
    if (!existsSync(join(dir, 'package.json'))) return undefined;
    return warn('bundle', 'public/build/manifest.json is missing: the front end has not been built, so browsers get no Echo', `${rebuild} (or npm run dev while developing)`);
  }
  const files = manifestFiles(readFileSync(manifestPath, 'utf8'));
  if (files === undefined) return fail('bundle', 'public/build/manifest.json is not valid JSON', rebuild);
  const builds: BuiltEchoOptions[] = [];
  for (const file of files) {
    const path = join(dir, 'public', 'build', file);
    if (!existsSync(path)) return fail('bundle', `public/build/${file} is listed in the manifest but missing`, rebuild);
    builds.push(...findBuiltEchoOptions(`public/build/${file}`, readFileSync(path, 'utf8')));
  }
  const p = `VITE_${prefixOf(driver)}`;
  if (builds.length === 0) {
    return warn('bundle', `no Echo options (wsHost) in the assets public/build/manifest.json lists: the last build predates Echo, or Echo is not imported`, rebuild);
  }
  const scheme = env[`${p}SCHEME`] || 'https';
  const expected = { key: env[`${p}APP_KEY`] ?? '', host: env[`${p}HOST`] ?? '', port: env[`${p}PORT`] || (scheme === 'https' ? '443' : '80'), tls: scheme === 'https' };
  for (const built of builds) {
    const stale: string[] = [];
    if (built.key !== undefined && built.key !== expected.key) stale.push(`key ${built.key} (${p}APP_KEY is ${expected.key})`);
    if (built.wsHost !== expected.host) stale.push(`host ${built.wsHost} (${p}HOST is ${expected.host})`);
    const port = expected.tls ? built.wssPort : built.wsPort;
    if (port !== undefined && port !== expected.port) stale.push(`port ${port} (${p}PORT is ${expected.port})`);
    if (built.forceTLS !== undefined && built.forceTLS !== expected.tls) stale.push(`${built.forceTLS ? 'wss' : 'ws'} (${p}SCHEME is ${scheme})`);
    if (stale.length > 0) {
      return fail('bundle', `${built.file} was built with other Echo options than .env has now: ${stale.join(', ')}`, `${rebuild}: Vite copies the VITE_ values into the bundle when it builds`);
    }
  }
  const first = builds[0]!;
  return pass('bundle', `${first.file} connects with the .env values (key ${expected.key}, ${expected.tls ? 'wss' : 'ws'}://${expected.host}:${expected.port})`);
}
