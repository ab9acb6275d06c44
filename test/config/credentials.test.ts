import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigResult } from '../../src/config/load-config.js';

function dir(files: Record<string, string> = {}): string {
  const path = mkdtempSync(join(tmpdir(), 'sidecar-creds-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}

function errors(result: LoadConfigResult): string[] {
  if (result.ok) throw new Error(`expected errors, got apps ${JSON.stringify(result.value.apps.map((a) => a.key))}`);
  return result.errors;
}

describe('credentials never fall back silently', () => {
  it('uses the development app only when no source gives any credential', () => {
    const result = loadConfig({ cwd: dir(), env: {} });
    expect(result.ok && result.value.devCredentials).toBe(true);
  });

  it('refuses a partial set from flags, naming what is missing', () => {
    const list = errors(loadConfig({ cwd: dir(), env: {}, flags: { appKey: 'k' } }));
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('incomplete app credentials: --app-key was given, but not the app id and secret');
    expect(list[0]).toContain('--app-id (PUSHER_SIDECAR_APP_ID)');
    expect(list[0]).toContain('--app-secret (PUSHER_SIDECAR_APP_SECRET)');
  });

  it('refuses a partial set spread over env twins and flags', () => {
    const list = errors(loadConfig({ cwd: dir(), env: { PUSHER_SIDECAR_APP_SECRET: 's' }, flags: { appId: '1' } }));
    expect(list[0]).toContain('--app-id and PUSHER_SIDECAR_APP_SECRET were given, but not the app key');
  });

  it('refuses a partial set from a config file', () => {
    const cwd = dir({ 'sidecar.json': JSON.stringify({ appKey: 'k', appSecret: 's' }) });
    expect(errors(loadConfig({ cwd, env: {}, configFile: 'sidecar.json' }))[0]).toContain('but not the app id');
  });

  it('refuses an explicitly empty credential', () => {
    expect(errors(loadConfig({ cwd: dir(), env: {}, flags: { appId: '1', appKey: '', appSecret: 's' } }))).toContain('--app-key: must not be empty');
  });

  it("completes a Laravel set from flags, and names Laravel's key when the set stays partial", () => {
    const cwd = dir({ '.env': 'BROADCAST_CONNECTION=reverb\nREVERB_APP_KEY=rk\n' });
    const list = errors(loadConfig({ cwd, env: {} }));
    expect(list[0]).toContain('REVERB_APP_KEY was given, but not the app id and secret');
    expect(list[0]).toContain('REVERB_APP_ID in .env');
    const completed = loadConfig({ cwd, env: {}, flags: { appId: '1', appSecret: 's' } });
    expect(completed.ok && completed.value.apps[0]).toMatchObject({ id: '1', key: 'rk', secret: 's' });
  });

  it('refuses a Laravel .env whose credential keys are present but empty (a copied .env.example)', () => {
    for (const [env, names] of [
      ['BROADCAST_CONNECTION=reverb\nREVERB_APP_ID=\nREVERB_APP_KEY=\nREVERB_APP_SECRET=\n', 'REVERB_APP_ID, REVERB_APP_KEY and REVERB_APP_SECRET are empty'],
      ['BROADCAST_DRIVER=log\nPUSHER_APP_ID=\nPUSHER_APP_KEY=\nPUSHER_APP_SECRET=\nPUSHER_APP_CLUSTER=mt1\n', 'PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET are empty'],
      ['BROADCAST_CONNECTION=reverb\nREVERB_APP_ID=1\nREVERB_APP_KEY=k\nREVERB_APP_SECRET=null\n', 'REVERB_APP_SECRET is empty'],
    ] as const) {
      const cwd = dir({ '.env': env });
      const list = errors(loadConfig({ cwd, env: {} }));
      expect(list).toHaveLength(1);
      expect(list[0]).toContain(`${join(cwd, '.env')}: ${names}`);
      expect(list[0]).toContain('run "npx pusher-sidecar install"');
    }
  });

  it('reads the REVERB_ keys when BROADCAST_CONNECTION is still log but only they are filled in', () => {
    const cwd = dir({ '.env': 'BROADCAST_CONNECTION=log\nPUSHER_APP_KEY=\nREVERB_APP_ID=1\nREVERB_APP_KEY=rk\nREVERB_APP_SECRET=rs\n' });
    const result = loadConfig({ cwd, env: {} });
    expect(result.ok && result.value.apps[0]).toMatchObject({ id: '1', key: 'rk', secret: 'rs' });
  });

  it('reads ${VAR} references the way Laravel does, and refuses a .env Laravel cannot load', () => {
    const cwd = dir({ '.env': 'SHARED=abc\nBROADCAST_CONNECTION=reverb\nREVERB_APP_ID=1\nREVERB_APP_KEY="${SHARED}"\nREVERB_APP_SECRET=\'${SHARED}\'\n' });
    const result = loadConfig({ cwd, env: {} });
    expect(result.ok && result.value.apps[0]).toMatchObject({ key: 'abc', secret: '${SHARED}' });
    const broken = dir({ '.env': 'APP_NAME=My App\n' });
    expect(errors(loadConfig({ cwd: broken, env: {} }))[0]).toBe(`${join(broken, '.env')}:1: Laravel cannot load this file (phpdotenv: unexpected whitespace in the value of APP_NAME); quote values that contain spaces, # or $`);
  });

  it('refuses a partial app in an apps file, per app', () => {
    const cwd = dir({ 'apps.json': JSON.stringify([{ id: '1', key: 'k1', secret: 's1' }, { key: 'k2' }]) });
    const list = errors(loadConfig({ cwd, env: {}, flags: { appsFile: 'apps.json' } }));
    expect(list).toEqual([`apps file ${join(cwd, 'apps.json')}[1]: incomplete credentials, missing "id" and "secret" (every app needs a non-empty id, key and secret)`]);
  });
});

describe('inherited names are unknown options, not crashes', () => {
  it('config file keys __proto__, constructor and toString', () => {
    const cwd = dir({ 'sidecar.json': '{"__proto__": {"port": 1}, "constructor": 1, "toString": "x", "port": 7002}' });
    const list = errors(loadConfig({ cwd, env: {}, configFile: 'sidecar.json' }));
    expect(list).toHaveLength(3);
    for (const name of ['__proto__', 'constructor', 'toString']) expect(list.join('\n')).toContain(`unknown key "${name}"`);
  });

  it('apps file keys', () => {
    const cwd = dir({ 'apps.json': '[{"id": "1", "key": "k", "secret": "s", "__proto__": {"enabled": false}, "constructor": 1, "webhooks": [{"url": "http://127.0.0.1:9/", "toString": 1}]}]' });
    const list = errors(loadConfig({ cwd, env: {}, flags: { appsFile: 'apps.json' } }));
    expect(list.join('\n')).toContain('unknown key "__proto__"');
    expect(list.join('\n')).toContain('unknown key "constructor"');
  });

  it('environment and .env names', () => {
    const cwd = dir({ '.env': '__proto__=x\nconstructor=y\nPUSHER_SIDECAR_TO_STRING=1\n' });
    const result = loadConfig({ cwd, env: { PUSHER_SIDECAR_CONSTRUCTOR: '1', PUSHER_SIDECAR___PROTO__: '1' } });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.value.warnings.join('\n')).toContain('PUSHER_SIDECAR_CONSTRUCTOR is not a known setting');
    expect(result.value.warnings.join('\n')).toContain('PUSHER_SIDECAR_TO_STRING is not a known setting');
    expect(result.value.devCredentials).toBe(true);
  });
});
