import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cleanup.js';
import { runBin, startBin } from '../helpers/run-bin.js';

function laravelDir(env: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'sidecar-creds-bin-'));
  writeFileSync(join(cwd, '.env'), env);
  return cwd;
}

describe('serve never falls back to the public development secret', () => {
  it('refuses --app-key without the id and secret, naming them', async () => {
    const result = await runBin(['serve', '--app-key', 'k', '--port', '0', '--metrics-port', '0']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('incomplete app credentials: --app-key was given, but not the app id and secret');
    expect(result.stdout).not.toContain('listening');
  });

  it('refuses a Laravel .env with empty REVERB_APP_* values, naming them and the fix', async () => {
    const cwd = laravelDir('APP_NAME=Laravel\nBROADCAST_CONNECTION=reverb\nREVERB_APP_ID=\nREVERB_APP_KEY=\nREVERB_APP_SECRET=\n');
    const result = await runBin(['serve', '--port', '0', '--metrics-port', '0'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('REVERB_APP_ID, REVERB_APP_KEY and REVERB_APP_SECRET are empty');
    expect(result.stderr).toContain('npx pusher-sidecar install');
  });

  it('refuses a publish signed with the development secret once a key is configured', async () => {
    const cwd = laravelDir('BROADCAST_CONNECTION=reverb\nREVERB_APP_ID=app-id\nREVERB_APP_KEY=app-key\nREVERB_APP_SECRET=a-real-secret\n');
    const { child, port, lines } = await startBin([], { cwd });
    onCleanup(async () => {
      child.kill('SIGTERM');
      await child;
    });
    expect(lines.join('\n')).not.toContain('for local development only');
    const common = { appId: 'app-id', key: 'app-key', host: '127.0.0.1', port: String(port), useTLS: false };
    const forged = new Pusher({ ...common, secret: 'app-secret' });
    await expect(forged.trigger('orders', 'shipped', { id: 1 })).rejects.toMatchObject({ status: 401 });
    const real = new Pusher({ ...common, secret: 'a-real-secret' });
    expect((await real.trigger('orders', 'shipped', { id: 1 })).status).toBe(200);
  });
});
