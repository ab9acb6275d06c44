import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseLaravelEnv } from '../../src/laravel/laravel-env.js';

const SCRIPT = fileURLToPath(new URL('./echo-client.mjs', import.meta.url));

/** The VITE_* values of a .env as Vite hands them to the bundle (src/laravel's Vite view). */
export function viteEnv(envText: string): Record<string, string> {
  const read = parseLaravelEnv(envText, '.env');
  if (!read.ok) throw new Error(`the test .env is invalid: ${read.reason}`);
  return Object.fromEntries(Object.entries(read.env.vite).filter(([key]) => key.startsWith('VITE_')));
}

export interface EchoClient {
  call<T = Record<string, unknown>>(command: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts a Node process that loads `<jsDir>/<entry>` like a browser bundle (see echo-client.mjs)
 * and resolves once the modules have run. `cookie` plays the browser's cookies on the handshake.
 */
export async function startEchoClient(jsDir: string, entry: string, env: Record<string, string>, options: { cookie?: string } = {}): Promise<EchoClient> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT, jsDir, entry, JSON.stringify(env), JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`echo client exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; error?: string; id?: number; ok?: boolean; value?: unknown };
      if (message.ready) return resolve();
      if (message.error && message.id === undefined) return reject(new Error(message.error));
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(message.error));
    });
  });
  await ready;

  return {
    call: <T>(command: string, args?: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.stdin!.write(JSON.stringify({ id, command, args }) + '\n');
      }),
    close: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
