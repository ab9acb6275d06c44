import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/apps/app.js';
import { createAppQuotaGuard, createServerCapacityGuard } from '../../src/guards/capacity-guards.js';
import type { HandshakeContext } from '../../src/guards/handshake-guard.js';
import { CODES } from '../../src/protocol/codes.js';

const app = (maxConnections: number): App => ({
  id: 'a', key: 'k', secret: 's', enabled: true, enableClientMessages: false, maxConnections, webhooks: [],
});
const context = (connectionCount: number, appConnectionCount: number, maxConnections = 0): HandshakeContext => ({
  req: {} as IncomingMessage, ip: '203.0.113.1', host: undefined, now: 0, app: app(maxConnections), connectionCount, appConnectionCount,
});

describe('capacity guards', () => {
  it('--max-connections refuses the connection that would exceed it with 4100', () => {
    const guard = createServerCapacityGuard(2);
    expect(guard.check(context(1, 0)).ok).toBe(true);
    expect(guard.check(context(2, 0))).toMatchObject({ ok: false, entry: CODES.overCapacity });
    expect(createServerCapacityGuard(0).check(context(1_000_000, 0)).ok).toBe(true);
  });

  it('per-app maxConnections refuses with 4004; 0 is unlimited', () => {
    const guard = createAppQuotaGuard();
    expect(guard.check(context(5, 1, 2)).ok).toBe(true);
    expect(guard.check(context(5, 2, 2))).toMatchObject({ ok: false, entry: CODES.appOverQuota });
    expect(guard.check(context(5, 9999, 0)).ok).toBe(true);
  });
});
