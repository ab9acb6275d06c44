import { readFileSync } from 'node:fs';

/** This package's version, for pinning `npx pusher-sidecar@<version>` in service files. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'latest';
}
