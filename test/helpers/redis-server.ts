/**
 * A real redis-server on a free port (redis-server cannot report a port 0 choice), without
 * persistence, stopped after the test. `restart()` brings up an empty Redis on the same port, as a
 * crashed-and-restarted Redis without persistence would come back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { onCleanup } from './cleanup.js';
import { freePort } from './free-port.js';
import { requireBinary } from './require-binary.js';

export interface TestRedis {
  port: number;
  url: string;
  /** Stops the server (SIGKILL: no goodbye to clients). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** True when redis-server is installed (CI fails instead of skipping: see require-binary.ts). */
export const hasRedis = (): boolean => requireBinary('redis-server');

function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Stopped after the current test, unless `perFile` (then the caller stops it in afterAll). */
export async function startRedis(options: { perFile?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  let child = await spawnRedis(port);
  if (!options.perFile) onCleanup(() => kill(child));
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    stop: () => kill(child),
    async restart() {
      await kill(child);
      child = await spawnRedis(port);
    },
  };
}
