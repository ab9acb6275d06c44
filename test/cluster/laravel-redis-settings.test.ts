/** --adapter redis without --redis-url: the cluster uses the Redis Laravel's .env describes, read as Laravel reads it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { clusterRedisUrl } from '../../src/cluster/create-cluster.js';
import { redactRedisUrl } from '../../src/cluster/redis-url.js';
import { loadConfig } from '../../src/config/load-config.js';
import { defaultConfig } from '../../src/config/schema.js';
import { onCleanup } from '../helpers/cleanup.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { runBin, startBin } from '../helpers/run-bin.js';
import { TEST_APP } from '../helpers/start-sidecar.js';

const APP_FLAGS = ['--app-id', TEST_APP.id, '--app-key', TEST_APP.key, '--app-secret', TEST_APP.secret];

function project(env: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'redis-env-'));
  writeFileSync(join(dir, '.env'), env);
  return dir;
}

/** The config `serve --adapter redis` gets in `dir`, with `env` as the process environment. */
function load(dir: string, env: Record<string, string> = {}, flags: Record<string, unknown> = {}) {
  return loadConfig({ cwd: dir, env, flags: { adapter: 'redis', ...flags } });
}

function redisUrl(dir: string, env: Record<string, string> = {}): string {
  const result = load(dir, env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value.config.redisUrl;
}

describe('Laravel Redis settings for --adapter redis', () => {
  it('builds the URL from REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_DB, as phpdotenv reads them', () => {
    const dir = project('CACHE=cache.internal\nREDIS_HOST=${CACHE}\nREDIS_PORT=6380 # the second instance\nREDIS_PASSWORD="s3cr#t"\nREDIS_DB=2\n');
    expect(redisUrl(dir)).toBe('redis://:s3cr%23t@cache.internal:6380/2');
  });

  it("uses Laravel's defaults, treats REDIS_PASSWORD=null as no password, and lets the environment win", () => {
    expect(redisUrl(project('REDIS_PASSWORD=null\n'))).toBe('redis://127.0.0.1:6379/0');
    expect(redisUrl(mkdtempSync(join(tmpdir(), 'no-env-')))).toBe('redis://127.0.0.1:6379/0');
    expect(redisUrl(project('REDIS_PORT=6380\n'), { REDIS_PORT: '7000' })).toBe('redis://127.0.0.1:7000/0');
  });

  it('lets REDIS_URL win, and rediss:// reaches ioredis as TLS', () => {
    const url = redisUrl(project('REDIS_HOST=ignored\nREDIS_URL=rediss://worker:p%40ss@cache.example.com:6390/3\n'));
    expect(url).toBe('rediss://worker:p%40ss@cache.example.com:6390/3');
    // The client the cluster builds from this URL (src/cluster/redis-cluster.ts) connects over TLS.
    const client = new Redis(url, { lazyConnect: true });
    onCleanup(() => client.disconnect());
    expect(client.options).toMatchObject({ host: 'cache.example.com', port: 6390, username: 'worker', password: 'p@ss', db: 3, tls: {} });
  });

  it('refuses a setting Laravel could not use either, naming the key, the file and the fix, never the password', () => {
    const dir = project('REDIS_PORT=abc\n');
    const result = load(dir);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.errors.join('\n');
    expect(message).toContain(join(dir, '.env'));
    expect(message).toContain('REDIS_PORT must be a port number (1-65535)');
    expect(message).toContain('--redis-url');

    const secret = load(project('REDIS_URL="http://:hunter2@cache"\n'));
    expect(secret.ok ? '' : secret.errors.join('\n')).toMatch(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    expect(JSON.stringify(secret)).not.toContain('hunter2');

    const fromEnv = load(project(''), { REDIS_DB: '-1' });
    expect(fromEnv.ok ? '' : fromEnv.errors.join('\n')).toContain('the environment (it overrides .env): REDIS_DB must be a whole number');
  });

  it('leaves .env alone when --redis-url is given or the adapter is local', () => {
    const dir = project('REDIS_HOST=10.0.0.5\nREDIS_PORT=abc\n');
    expect(redisUrl(project('REDIS_HOST=10.0.0.5\n'))).toBe('redis://10.0.0.5:6379/0');
    const given = load(dir, {}, { redisUrl: 'redis://h:1/3' });
    expect(given.ok && given.value.config.redisUrl).toBe('redis://h:1/3');
    const local = loadConfig({ cwd: dir, env: {} });
    expect(local.ok && clusterRedisUrl(local.value.config)).toBeUndefined();
    expect(clusterRedisUrl({ ...defaultConfig(), adapter: 'redis' })).toBe('redis://127.0.0.1:6379/0');
    expect(redactRedisUrl('redis://:hunter2@h:1/0')).not.toContain('hunter2');
  });

  it('stops `serve` with a config error, not a crash, when .env has a Redis setting Laravel cannot use', async () => {
    const dir = project('REDIS_URL="redis://:hunter2@cache:notaport"\n');
    const result = await runBin(['serve', '--adapter', 'redis', '--port', '0', '--metrics-port', '0', ...APP_FLAGS], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${join(dir, '.env')}: REDIS_URL is not a URL`);
    expect(result.stderr).toContain('--redis-url');
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  it.skipIf(!hasRedis())('runs `serve --adapter redis` against the Redis named by REDIS_PORT in .env', async () => {
    const redis = await startRedis();
    const dir = project(`REDIS_HOST=127.0.0.1\nREDIS_PORT=${redis.port}\n`);
    const { child, port } = await startBin(['--adapter', 'redis', '--redis-prefix', 'from-env', ...APP_FLAGS], { cwd: dir });
    onCleanup(async () => {
      child.kill('SIGTERM');
      await child;
    });
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    // The node registered itself in that Redis, not in a default one.
    const client = new Redis(redis.url);
    onCleanup(() => client.disconnect());
    expect((await client.keys('from-env*')).length).toBeGreaterThan(0);
  });
});
