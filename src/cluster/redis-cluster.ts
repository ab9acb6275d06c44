import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import type { Cluster } from './create-cluster.js';
import { redactRedisUrl } from './redis-url.js';
import { RedisBus } from './redis-bus.js';
import { RedisClusterState } from './redis-cluster-state.js';
import { RedisKeys } from './redis-keys.js';

export interface RedisClusterOptions {
  url: string;
  prefix: string;
  appIds: readonly string[];
  /** Lease lifetime; renewed (and dead nodes looked for) every quarter of it. */
  leaseTtlMs: number;
  logger: Logger;
  /** Names this node in logs (e.g. the worker number). */
  nodeName?: string;
  /** A Redis operation failed or the connection dropped (counted by the metrics). */
  onError?(operation: string): void;
  /** The node's sockets are registered again after Redis came back. */
  onResynced?(): void;
}

/**
 * One node of a cluster sharing one Redis: state in Redis, delivery over pub/sub, a lease that
 * survivors watch. Redis going away never stops local delivery; coming back, the node re-registers
 * its live sockets.
 */
export function createRedisCluster(options: RedisClusterOptions): Cluster & { readonly nodeId: string } {
  const nodeId = `${options.nodeName ?? process.pid}-${randomBytes(4).toString('hex')}`;
  const logger = options.logger.child({ node: nodeId });
  const keys = new RedisKeys(options.prefix);
  const where = redactRedisUrl(options.url);
  // No offline queue and no retries: while Redis is away a command fails at once and the node
  // serves its own sockets; queued commands would stall subscribes for the whole outage.
  // Auto-pipelining: commands issued in one tick (a burst of publishes) go out in one write.
  const connect = () => new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, enableAutoPipelining: true });
  const redis = connect();
  const subscriber = connect();
  let warnedAt = 0;
  const onError = (operation: string, err: unknown) => {
    options.onError?.(operation);
    const now = Date.now();
    if (now - warnedAt < 10_000) return;
    warnedAt = now;
    logger.warn({ operation, err: (err as Error).message, redis: where }, 'Redis operation failed; serving this node\'s sockets until Redis answers again');
  };
  const state = new RedisClusterState({ redis, keys, nodeId, appIds: options.appIds, onError });
  const bus = new RedisBus({ publisher: redis, subscriber, channel: keys.bus, nodeId, onError });

  let leaseTimer: NodeJS.Timeout | undefined;
  let ticking = false;
  let registered = false;
  let lost = false;
  let reapAfter = 0;
  let closed = false;

  for (const client of [redis, subscriber]) {
    client.on('error', (err: Error) => onError('connection', err));
  }
  const bothReady = () => redis.status === 'ready' && subscriber.status === 'ready';
  for (const client of [redis, subscriber]) {
    client.on('close', () => {
      if (closed || lost) return;
      lost = true;
      options.onError?.('disconnect');
      logger.warn({ redis: where }, 'lost Redis; local delivery goes on, reconnecting');
    });
    client.on('ready', () => {
      if (!lost || closed || !bothReady()) return;
      lost = false;
      // Other nodes are reconnecting too: give their leases a full term before judging them dead.
      reapAfter = Date.now() + options.leaseTtlMs;
      void renewAndResync('reconnected');
    });
  }

  async function renewAndResync(why: string): Promise<void> {
    try {
      await redis.set(keys.lease(nodeId), '1', 'PX', options.leaseTtlMs);
      await redis.sadd(keys.nodes, nodeId);
      await bus.subscribe();
      await state.resync();
      logger.info({ why }, 're-registered this node\'s sockets in Redis');
      options.onResynced?.();
    } catch (err) {
      onError('resync', err);
    }
  }

  async function tick(): Promise<void> {
    if (ticking || closed || redis.status !== 'ready') return;
    ticking = true;
    try {
      const previous = await redis.set(keys.lease(nodeId), '1', 'PX', options.leaseTtlMs, 'GET');
      // Our lease had lapsed (a stall, a Redis restart): a survivor may have removed us.
      if (previous === null && registered) await renewAndResync('lease lapsed');
      registered = true;
      await redis.sadd(keys.nodes, nodeId);
      if (Date.now() < reapAfter) return;
      for (const other of await redis.smembers(keys.nodes)) {
        if (other === nodeId || (await redis.exists(keys.lease(other))) === 1) continue;
        if ((await redis.set(keys.claim(other), nodeId, 'PX', options.leaseTtlMs, 'NX')) !== 'OK') continue;
        logger.warn({ deadNode: other }, 'node lease expired; removing its sockets');
        await state.removeNode(other);
        await redis.srem(keys.nodes, other);
      }
    } catch (err) {
      onError('lease', err);
    } finally {
      ticking = false;
    }
  }

  return {
    nodeId, state, bus,
    readiness: { name: 'redis', isReady: bothReady },
    async start() {
      try {
        await Promise.all([redis.connect(), subscriber.connect()]);
        await bus.subscribe();
        await tick();
      } catch (err) {
        // Start anyway: local sockets are served, and ioredis keeps reconnecting.
        lost = true;
        logger.warn({ err: (err as Error).message, redis: where }, 'Redis is unreachable; serving local sockets until it answers');
      }
      leaseTimer = setInterval(() => void tick(), Math.max(50, options.leaseTtlMs / 4));
      leaseTimer.unref();
    },
    async close() {
      clearInterval(leaseTimer);
      if (redis.status === 'ready') {
        try {
          // Sockets have closed and left already; this removes whatever is left at once.
          await state.removeNode(nodeId);
          await redis.del(keys.lease(nodeId));
          await redis.srem(keys.nodes, nodeId);
        } catch (err) {
          onError('shutdown', err);
        }
      }
      closed = true;
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
