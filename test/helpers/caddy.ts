import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Caddy cannot report a port it picked itself with the admin API off, so the test asks the OS
 * for a free one and hands it over (the window between the two is a few microseconds).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningCaddy {
  close(): Promise<void>;
  /** Everything Caddy logged, for failure messages. */
  log(): string;
}

/**
 * `caddy run` with the given Caddyfile, in its own data/config dirs. Resolves when Caddy logs that
 * it serves the configuration, rejects with its log if it exits first.
 */
export async function startCaddy(caddyfile: string): Promise<RunningCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'caddy-test-'));
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, caddyfile);
  const child = spawn('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('serving initial configuration')) resolve();
    });
    void exited.then((code) => reject(new Error(`caddy exited with ${code}:\n${lines.join('\n')}`)));
  });
  return {
    log: () => lines.join('\n'),
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
