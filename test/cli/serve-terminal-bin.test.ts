import { createServer, type Server } from 'node:net';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cleanup.js';
import { BIN, runBin } from '../helpers/run-bin.js';

/**
 * Runs `serve` with a real pseudo-terminal as stdout (util-linux `script`), as a person starting it
 * in a shell does, and resolves with what the terminal showed once `until` appears.
 */
async function serveInTerminal(args: string[], until: RegExp): Promise<string> {
  const command = ['node', BIN, 'serve', '--port', '0', '--metrics-port', '0', ...args].map((word) => `'${word}'`).join(' ');
  const child = execa('script', ['-qefc', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', TERM: 'dumb' }, extendEnv: false, reject: false, detached: true,
  });
  onCleanup(async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    await child;
  });
  let seen = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (until.test(seen)) resolve(seen);
    });
    child.then((result) => reject(new Error(`ended before ${until}: ${seen}${result.stderr}`)), reject);
  });
}

describe('log format follows the terminal', () => {
  it('pretty lines when stdout is a terminal', async () => {
    const shown = await serveInTerminal([], /listening on/);
    expect(shown).toMatch(/INFO.*listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(shown).toMatch(/WARN.*for local development only/);
    expect(shown).not.toMatch(/^\{"level"/m);
  });

  it('--log-format json still wins in a terminal', async () => {
    const shown = await serveInTerminal(['--log-format', 'json'], /listening on/);
    expect(shown).toMatch(/^\{"level":30,.*"msg":"listening on/m);
  });

  it('JSON lines when stdout is a pipe (here: an address this machine does not have)', async () => {
    const { stdout, exitCode } = await runBin(['serve', '--port', '0', '--metrics-port', '0', '--host', '203.0.113.1']);
    expect(exitCode).toBe(1);
    expect(JSON.parse(stdout.split('\n').find((line) => line.includes('cannot listen'))!)).toMatchObject({
      level: 50, msg: 'cannot listen on 203.0.113.1:0: 203.0.113.1 is not an address of this machine; check --host / PUSHER_SIDECAR_HOST',
    });
  });
});

describe('a busy port', () => {
  it('names the port, who may hold it and what to change', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const taken = (blocker.address() as { port: number }).port;
    const result = await runBin(['serve', '--port', String(taken), '--metrics-port', '0']);
    expect(result.exitCode).toBe(1);
    const line = JSON.parse(result.stdout.split('\n').find((l) => l.includes('already in use'))!) as { msg: string };
    expect(line.msg).toContain(`port ${taken} is already in use on 127.0.0.1 (--port / PUSHER_SIDECAR_PORT)`);
    expect(line.msg).toContain('another pusher-sidecar');
    expect(line.msg).toContain('Laravel Reverb');
    expect(line.msg).toContain('npx pusher-sidecar install --port <PORT>');
  });
});
