import { describe, expect, it } from 'vitest';
import { checkAppUrl, checkCredentials, checkServer, checkVite } from '../../src/doctor/env-checks.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLaravelEnv } from '../../src/doctor/laravel-env.js';

describe('.env reading for the doctor', () => {
  it('reads PHP keys as Laravel does and VITE_ keys as Vite does (src/laravel)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-env-'));
    writeFileSync(join(dir, '.env'), 'VITE_REVERB_HOST="${REVERB_HOST}"\nREVERB_APP_KEY=abc\nVITE_REVERB_APP_KEY="${REVERB_APP_KEY}"\nHOST="${FROM_PROCESS}"\nNONE="${MISSING}x"\nREVERB_HOST=localhost\n');
    const read = readLaravelEnv(dir, { FROM_PROCESS: 'p' });
    expect(read.ok && { ...read.values }).toEqual({
      REVERB_APP_KEY: 'abc', VITE_REVERB_APP_KEY: 'abc', VITE_REVERB_HOST: 'localhost', HOST: 'p', NONE: '${MISSING}x', REVERB_HOST: 'localhost',
    });
    writeFileSync(join(dir, '.env'), 'APP_NAME=My App\n');
    const broken = readLaravelEnv(dir);
    expect(!broken.ok && broken.reason).toContain('line 1: Laravel cannot load this file (phpdotenv: unexpected whitespace in the value of APP_NAME)');
  });

  it('applies Laravel\'s defaults for the publish address and the browser\'s for the socket', () => {
    expect(checkServer({ REVERB_HOST: 'sidecar.internal' }, 'reverb').serverUrl).toBe('https://sidecar.internal');
    expect(checkServer({ REVERB_HOST: '127.0.0.1', REVERB_PORT: '6001', REVERB_SCHEME: 'http' }, 'reverb').serverUrl).toBe('http://127.0.0.1:6001');
    expect(checkServer({}, 'pusher').result.detail).toContain("publishes to Pusher's cloud");
    const vite = checkVite({ REVERB_APP_KEY: 'k', VITE_REVERB_APP_KEY: 'k', VITE_REVERB_HOST: 'app.example.com' }, 'reverb');
    expect(vite.socketUrl).toBe('wss://app.example.com/app/k?protocol=7&client=js&version=8.4.0&flash=false');
  });

  it('wants a cluster on both sides for the pusher variant', () => {
    expect(checkCredentials({ PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: 's' }, 'pusher').result.detail).toBe('PUSHER_APP_CLUSTER is empty or missing');
    expect(checkVite({ PUSHER_APP_KEY: 'k', VITE_PUSHER_APP_KEY: 'k', VITE_PUSHER_HOST: 'h' }, 'pusher').result.detail).toContain('VITE_PUSHER_APP_CLUSTER is empty');
  });

  it('warns when browsers are sent to localhost while the app is public', () => {
    const result = checkAppUrl({ APP_URL: 'https://shop.example.com' }, 'ws://127.0.0.1:6001/app/k').result;
    expect(result.status).toBe('warn');
    expect(checkAppUrl({ APP_URL: 'not a url' }, undefined).result.status).toBe('fail');
  });
});
