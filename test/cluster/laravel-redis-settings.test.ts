import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterRedisUrl } from '../../src/cluster/create-cluster.js';
import { laravelRedisUrl, redactRedisUrl } from '../../src/cluster/laravel-redis-settings.js';
import { defaultConfig } from '../../src/config/schema.js';

function project(env: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'redis-env-'));
  writeFileSync(join(dir, '.env'), env);
  return dir;
}

describe('Laravel Redis settings for --adapter redis', () => {
  it('builds the URL from REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_DB', () => {
    const dir = project('REDIS_HOST=cache.internal\nREDIS_PORT=6380\nREDIS_PASSWORD="s3cr#t"\nREDIS_DB=2\n');
    expect(laravelRedisUrl(dir)).toBe('redis://:s3cr%23t@cache.internal:6380/2');
  });

  it("uses Laravel's defaults, and treats REDIS_PASSWORD=null as no password", () => {
    expect(laravelRedisUrl(project('REDIS_PASSWORD=null\n'))).toBe('redis://127.0.0.1:6379/0');
    expect(laravelRedisUrl(mkdtempSync(join(tmpdir(), 'no-env-')))).toBe('redis://127.0.0.1:6379/0');
  });

  it('turns cluster mode on with --redis-url alone or --adapter redis, and never shows the password', () => {
    const dir = project('REDIS_HOST=10.0.0.5\n');
    expect(clusterRedisUrl(defaultConfig(), dir)).toBeUndefined();
    expect(clusterRedisUrl({ ...defaultConfig(), adapter: 'redis' }, dir)).toBe('redis://10.0.0.5:6379/0');
    expect(clusterRedisUrl({ ...defaultConfig(), redisUrl: 'redis://h:1/3' }, dir)).toBe('redis://h:1/3');
    expect(redactRedisUrl('redis://:hunter2@h:1/0')).not.toContain('hunter2');
  });
});
