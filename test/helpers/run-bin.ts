import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/pusher-sidecar.js', import.meta.url));

/** Runs the built CLI as a user would (needs `npm run build`; `npm test` builds first). */
export function runBin(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa('node', [BIN, ...args], { cwd: options.cwd, env: options.env ?? {}, extendEnv: false, reject: false, timeout: 15_000 });
}

/** Starts `serve` and resolves once the ready line names the port. */
export async function startBin(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ child: ResultPromise; port: number; lines: string[] }> {
  const child = execa('node', [BIN, 'serve', '--port', '0', '--metrics-port', '0', ...args], {
    cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, extendEnv: false, reject: false, timeout: 20_000,
  });
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        const parsed = JSON.parse(line) as { msg: string; port?: number };
        if (parsed.msg.startsWith('listening on') && parsed.port) resolve(parsed.port);
      }
    });
    child.then((result) => reject(new Error(`serve exited early: ${result.stderr}`)), reject);
  });
  return { child, port, lines };
}
