import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigResult } from '../../src/config/load-config.js';
import { CONFIG_SCHEMA, OPTION_KEYS, envName, flagName } from '../../src/config/schema.js';

function dir(files: Record<string, string> = {}): string {
  const path = mkdtempSync(join(tmpdir(), 'sidecar-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}

function value(result: LoadConfigResult) {
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

function errors(result: LoadConfigResult): string[] {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('loadConfig', () => {
  it('runs on the embedded development default with no configuration', () => {
    const loaded = value(loadConfig({ cwd: dir(), env: {} }));
    expect(loaded.devCredentials).toBe(true);
    expect(loaded.apps).toEqual([{ id: 'app-id', key: 'app-key', secret: 'app-secret', enabled: true, enableClientMessages: false, maxConnections: 0, webhooks: [] }]);
    expect(loaded.config.host).toBe('127.0.0.1');
    expect(loaded.config.port).toBe(6001);
  });

  it('layers defaults < config file < env < flags', () => {
    const cwd = dir({ 'sidecar.json': JSON.stringify({ port: 7000, activityTimeout: 60, logLevel: 'warn' }) });
    const loaded = value(loadConfig({
      cwd, configFile: 'sidecar.json',
      env: { PUSHER_SIDECAR_PORT: '7100', PUSHER_SIDECAR_LOG_LEVEL: 'debug' },
      flags: { port: '7200' },
    }));
    expect(loaded.config.port).toBe(7200);
    expect(loaded.config.logLevel).toBe('debug');
    expect(loaded.config.activityTimeout).toBe(60);
  });

  it("takes the app from Laravel's .env: PUSHER_* by default, REVERB_* when BROADCAST_CONNECTION=reverb", () => {
    const pusher = dir({ '.env': 'BROADCAST_CONNECTION=pusher\nPUSHER_APP_ID=1\nPUSHER_APP_KEY=pk\nPUSHER_APP_SECRET="ps"\nREVERB_APP_KEY=rk\n' });
    expect(value(loadConfig({ cwd: pusher, env: {} })).apps[0]).toMatchObject({ id: '1', key: 'pk', secret: 'ps' });
    const reverb = dir({ '.env': 'BROADCAST_CONNECTION=reverb\nREVERB_APP_ID=2\nREVERB_APP_KEY=rk\nREVERB_APP_SECRET=rs\nPUSHER_APP_KEY=pk\n' });
    const loaded = value(loadConfig({ cwd: reverb, env: {} }));
    expect(loaded.apps[0]).toMatchObject({ id: '2', key: 'rk', secret: 'rs' });
    expect(loaded.devCredentials).toBe(false);
    expect(loaded.envFile).toBe(join(reverb, '.env'));
  });

  it('lets real environment variables win over .env, and flags over both', () => {
    const cwd = dir({ '.env': 'PUSHER_APP_ID=1\nPUSHER_APP_KEY=from-file\nPUSHER_APP_SECRET=s\nPUSHER_SIDECAR_PORT=7001\n' });
    const loaded = value(loadConfig({ cwd, env: { PUSHER_APP_KEY: 'from-env' }, flags: { appKey: 'from-flag' } }));
    expect(loaded.apps[0]!.key).toBe('from-flag');
    expect(loaded.config.port).toBe(7001);
    expect(value(loadConfig({ cwd, env: { PUSHER_APP_KEY: 'from-env' } })).apps[0]!.key).toBe('from-env');
  });

  it('reports every problem at once, each with its option name, without leaking values', () => {
    const cwd = dir({ 'bad.json': JSON.stringify({ prot: 1, maxConnections: -1, appSecret: 12 }) });
    const list = errors(loadConfig({
      cwd, configFile: 'bad.json', env: { PUSHER_SIDECAR_ACTIVITY_TIMEOUT: 'soon' },
      flags: { port: 'abc', logFormat: 'xml' }, unknownFlags: ['--max-conections'],
    }));
    expect(list).toEqual(expect.arrayContaining([
      expect.stringContaining('--max-conections: unknown option (did you mean --max-connections?)'),
      expect.stringContaining('unknown key "prot" (did you mean "port"?)'),
      expect.stringContaining('"maxConnections": must be at least 0'),
      expect.stringContaining('"appSecret": must be a string'),
      'PUSHER_SIDECAR_ACTIVITY_TIMEOUT: must be a whole number',
      '--port: must be a whole number',
      '--log-format: must be one of auto, json, pretty',
    ]));
    expect(list).toHaveLength(7);
  });

  it('warns (not fails) on an unknown PUSHER_SIDECAR_ variable, naming the closest one', () => {
    const loaded = value(loadConfig({ cwd: dir(), env: { PUSHER_SIDECAR_MAX_CONECTIONS: '5' } }));
    expect(loaded.warnings).toEqual(['PUSHER_SIDECAR_MAX_CONECTIONS is not a known setting and is ignored (did you mean PUSHER_SIDECAR_MAX_CONNECTIONS?)']);
  });

  it('reads an apps file and refuses duplicate keys, unknown keys and bad types', () => {
    const good = dir({ 'apps.json': JSON.stringify([
      { id: 1, key: 'k1', secret: 's1', enableClientMessages: true, maxConnections: 10, webhooks: [{ url: 'http://127.0.0.1:9/hook', events: ['channel_occupied'] }] },
      { id: '2', key: 'k2', secret: 's2', enabled: false },
    ]) });
    const loaded = value(loadConfig({ cwd: good, env: {}, flags: { appsFile: 'apps.json' } }));
    expect(loaded.apps.map((a) => [a.id, a.key, a.enabled, a.enableClientMessages, a.maxConnections])).toEqual([['1', 'k1', true, true, 10], ['2', 'k2', false, false, 0]]);
    expect(loaded.apps[0]!.webhooks).toEqual([{ url: 'http://127.0.0.1:9/hook', events: ['channel_occupied'] }]);
    expect(loaded.devCredentials).toBe(false);

    const bad = dir({ 'apps.json': JSON.stringify([{ id: '1', key: 'k', secret: 's' }, { id: '2', key: 'k', secret: 's2', colour: 'red', webhooks: [{ url: 'ftp://x' }] }, { id: '3', key: 'k3', secret: '' }]) });
    const list = errors(loadConfig({ cwd: bad, env: {}, flags: { appsFile: 'apps.json' } }));
    expect(list.join('\n')).toContain('duplicate app key "k"');
    expect(list.join('\n')).toContain('unknown key "colour"');
    expect(list.join('\n')).toContain('[2]: incomplete credentials, missing "secret"');
    expect(list.join('\n')).toContain('.url must be an http(s) URL');
    expect(errors(loadConfig({ cwd: bad, env: {}, flags: { appsFile: 'missing.json' } }))[0]).toContain('cannot be read');
  });

  it('validates URLs and proxy CIDRs', () => {
    const list = errors(loadConfig({ cwd: dir(), env: {}, flags: { authUrl: 'localhost/broadcasting/auth', trustProxy: '10.0.0.0/8,not-an-ip,10.0.0.0/99' } }));
    expect(list).toEqual([
      '--auth-url: must be an http:// or https:// URL',
      '--trust-proxy: "not-an-ip" is not an IP address or CIDR (e.g. 10.0.0.0/8)',
      '--trust-proxy: "10.0.0.0/99" is not an IP address or CIDR (e.g. 10.0.0.0/8)',
    ]);
  });

  it('refuses a headers timeout longer than the request timeout (node:http would throw at start)', () => {
    expect(errors(loadConfig({ cwd: dir(), env: {}, flags: { httpHeadersTimeout: '20', httpRequestTimeout: '15' } }))).toEqual([
      '--http-headers-timeout: must not be longer than --http-request-timeout (15 s); lower it or raise the request timeout',
    ]);
    expect(value(loadConfig({ cwd: dir(), env: { PUSHER_SIDECAR_HTTP_REQUEST_TIMEOUT: '0.5' }, flags: { httpHeadersTimeout: '0.25' } })).config).toMatchObject({
      httpHeadersTimeout: 0.25, httpRequestTimeout: 0.5, httpKeepAliveTimeout: 5,
    });
  });

  it('derives a flag and an env twin for every option in the schema', () => {
    for (const key of OPTION_KEYS) {
      expect(flagName(key)).toMatch(/^--[a-z]+(-[a-z]+)*$/);
      expect(envName(key)).toMatch(/^PUSHER_SIDECAR_[A-Z]+(_[A-Z]+)*$/);
      expect(CONFIG_SCHEMA[key].description.length).toBeGreaterThan(10);
    }
    expect(envName('maxPayloadSize')).toBe('PUSHER_SIDECAR_MAX_PAYLOAD_SIZE');
  });
});
