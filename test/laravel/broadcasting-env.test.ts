import { describe, expect, it } from 'vitest';
import { broadcastingPrefix, laravelAppUrl, laravelCredentials, laravelRedis } from '../../src/laravel/broadcasting-env.js';
import { parseLaravelEnv } from '../../src/laravel/laravel-env.js';

const php = (text: string, processEnv: Record<string, string> = {}) => {
  const read = parseLaravelEnv(text, '.env', processEnv);
  if (!read.ok) throw new Error(read.reason);
  return read.env.php;
};

describe('the broadcasting keys, chosen once for serve, doctor and the installer', () => {
  it('follows the driver, else the filled-in set, else the present set', () => {
    expect(broadcastingPrefix(php('BROADCAST_CONNECTION=pusher\nREVERB_APP_KEY=r\n'))).toEqual({ driver: 'pusher', prefix: 'PUSHER_' });
    expect(broadcastingPrefix(php('BROADCAST_DRIVER=reverb\n'))).toEqual({ driver: 'reverb', prefix: 'REVERB_' });
    expect(broadcastingPrefix(php('BROADCAST_CONNECTION=log\nPUSHER_APP_KEY=p\nREVERB_APP_KEY=\n'))).toEqual({ prefix: 'PUSHER_' });
    expect(broadcastingPrefix(php('BROADCAST_DRIVER=log\nPUSHER_APP_ID=\n'))).toEqual({ prefix: 'PUSHER_' });
    expect(broadcastingPrefix(php('APP_NAME=Laravel\n'))).toEqual({});
  });

  it("reads credentials as env() returns them: null and empty keywords, and what is missing", () => {
    expect(laravelCredentials(php('REVERB_APP_ID=1\nREVERB_APP_KEY=null\n'), 'REVERB_')).toEqual({ prefix: 'REVERB_', id: '1', empty: ['REVERB_APP_KEY'], absent: ['REVERB_APP_SECRET'] });
  });

  it('APP_URL as a URL, with ${VAR} expanded', () => {
    expect(laravelAppUrl(php('HOST=shop.test\nAPP_URL=https://${HOST}\n'))?.origin).toBe('https://shop.test');
    expect(laravelAppUrl(php('APP_URL=localhost\n'))).toBeNull();
  });
});

describe("Laravel's Redis connection, for cluster mode", () => {
  it("defaults like config/database.php's redis.default", () => {
    expect(laravelRedis(php('APP_NAME=x\n'))).toEqual({ ok: true, value: { host: '127.0.0.1', port: 6379, db: 0, tls: false, from: [] } });
  });

  it('reads REDIS_HOST/PORT/PASSWORD/DB, with `null` meaning unset and the process environment winning', () => {
    const env = php('REDIS_HOST=redis.internal\nREDIS_PORT=6380\nREDIS_PASSWORD=null\nREDIS_DB=2\n', { REDIS_PASSWORD: 'from-process' });
    expect(laravelRedis(env)).toEqual({ ok: true, value: { host: 'redis.internal', port: 6380, password: 'from-process', db: 2, tls: false, from: ['REDIS_HOST', 'REDIS_PORT', 'REDIS_DB', 'REDIS_PASSWORD'] } });
    expect(laravelRedis(php('REDIS_PASSWORD=null\n'))).toEqual({ ok: true, value: { host: '127.0.0.1', port: 6379, db: 0, tls: false, from: [] } });
  });

  it('lets REDIS_URL win part by part (rediss:// is TLS)', () => {
    const result = laravelRedis(php('REDIS_HOST=ignored\nREDIS_DB=5\nREDIS_URL=rediss://user:p%40ss@cache.example.com:6390/3\n'));
    expect(result).toMatchObject({ ok: true, value: { host: 'cache.example.com', port: 6390, username: 'user', password: 'p@ss', db: 3, tls: true } });
  });

  it('refuses values Laravel could not use either, without echoing a password', () => {
    expect(laravelRedis(php('REDIS_PORT=abc\n'))).toEqual({ ok: false, name: 'REDIS_PORT', error: 'REDIS_PORT must be a port number (1-65535)' });
    const bad = laravelRedis(php('REDIS_URL="http://:secret@x"\n'));
    expect(bad).toEqual({ ok: false, name: 'REDIS_URL', error: 'REDIS_URL must start with redis:// or rediss://' });
  });
});
