// Run a load-generator script in its own process, pinned to the load CPU, with a hard time cap.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, pinned } from './servers.mjs';

/**
 * @param {string} script file name under bench/load/
 * @param {object} params passed as JSON argv; must include capMs
 * @param {{cpu: number|null, nice?: boolean, onLog?: (text: string) => void, onMessage?: (msg: object, child: import('node:child_process').ChildProcess) => void}} options
 * @returns {Promise<any>} the script's result
 */
export function runLoad(script, params, { cpu, nice = false, onLog, onMessage }) {
  const argv = [join(repoRoot, 'bench', 'load', script), JSON.stringify(params)];
  const [cmd, args] = pinned(cpu, nice, [process.execPath, ...argv]);
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let result;
    let error;
    const killer = setTimeout(() => {
      error ??= new Error(`${script} exceeded its cap of ${params.capMs} ms and was killed`);
      child.kill('SIGKILL');
    }, params.capMs + 5000);
    child.on('message', (msg) => {
      if (msg?.type === 'result') result = msg.result;
      else if (msg?.type === 'error') error ??= new Error(msg.message);
      else if (msg?.type === 'log') onLog?.(msg.text);
      else onMessage?.(msg, child);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      if (result !== undefined) resolve(result);
      else reject(error ?? new Error(`${script} exited (${code ?? signal}) without a result`));
    });
  });
}
