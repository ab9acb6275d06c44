import { spawn } from 'node:child_process';
import { onCleanup } from './cleanup.js';

export interface PhpServer {
  url: string;
  /** Resolves with the first line PHP's server wrote to stderr (its access log, error_log()) matching. */
  waitForLog(pattern: RegExp): Promise<string>;
}

/**
 * `php -S 127.0.0.1:0 <router>`: PHP's own web server, which keeps request header names as they
 * came off the wire (as Apache mod_php does), unlike Node's http. Stopped after the test.
 */
export async function startPhpServer(router: string, env: Record<string, string> = {}): Promise<PhpServer> {
  const child = spawn('php', ['-S', '127.0.0.1:0', router], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let waiters: Array<() => void> = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  };
  child.stderr.on('data', onData);
  child.stdout.on('data', onData);
  onCleanup(() => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  }));
  const waitForLog = (pattern: RegExp) => new Promise<string>((resolve, reject) => {
    const attempt = () => {
      const line = lines.find((l) => pattern.test(l));
      if (line !== undefined) return resolve(line);
      if (child.exitCode !== null) return reject(new Error(`php -S exited (${child.exitCode}):\n${lines.join('\n')}`));
      waiters.push(attempt);
    };
    attempt();
  });
  child.once('exit', () => {
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  });
  const started = await waitForLog(/Development Server \(http:\/\/127\.0\.0\.1:\d+\) started/);
  return { url: started.match(/\((http:\/\/127\.0\.0\.1:\d+)\)/)![1]!, waitForLog };
}
