import type { LaravelRedis } from '../laravel/broadcasting-env.js';

/**
 * Laravel's Redis connection as the URL ioredis takes. TLS travels as the `rediss://` scheme, which
 * ioredis turns into its `tls` option. Like Laravel's connectors, it authenticates only when a
 * password is set (a username alone is not sent).
 */
export function redisUrlOf(redis: LaravelRedis): string {
  const auth = redis.password !== undefined ? `${encodeURIComponent(redis.username ?? '')}:${encodeURIComponent(redis.password)}@` : '';
  const host = redis.host.includes(':') ? `[${redis.host}]` : redis.host;
  return `${redis.tls ? 'rediss' : 'redis'}://${auth}${host}:${redis.port}/${redis.db}`;
}

/** The URL without its password, for logs and messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}
