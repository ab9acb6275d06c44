import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { Connection, NO_HEADERS, type ConnectionEnv } from '../../src/connections/connection.js';
import type { App } from '../../src/apps/app.js';

// The pending-channel bookkeeping alone: a lone channel is kept as its name, a Set from the second.
// No socket is written to here, so the socket fields are inert placeholders.
function connection(): Connection {
  const env: ConnectionEnv = { maxBufferedBytes: 1, clientEventRate: 1, messageRate: 1, messageBurst: 1, clock: () => 0, onSlow: () => {} };
  return new Connection({ ws: {} as WebSocket, socket: {} as Socket, socketId: '1.1', app: {} as App, ip: '127.0.0.1', headers: NO_HEADERS, env, now: 0 });
}

describe('Connection pending channels', () => {
  it('behaves as a set through one, several and no channels', () => {
    const c = connection();
    expect([c.pendingCount, c.isPending('a'), c.deletePending('a')]).toEqual([0, false, false]);
    c.addPending('a');
    c.addPending('a');
    expect([c.pendingCount, c.isPending('a'), c.isPending('b'), c.deletePending('b')]).toEqual([1, true, false, false]);
    c.addPending('b');
    c.addPending('c');
    expect([c.pendingCount, c.isPending('a'), c.isPending('b'), c.isPending('c')]).toEqual([3, true, true, true]);
    expect([c.deletePending('b'), c.deletePending('b'), c.pendingCount]).toEqual([true, false, 2]);
    expect([c.deletePending('a'), c.deletePending('c'), c.pendingCount, c.isPending('c')]).toEqual([true, true, 0, false]);
    c.addPending('d');
    expect([c.deletePending('d'), c.pendingCount]).toEqual([true, 0]);
    c.addPending('e');
    c.addPending('f');
    c.clearPending();
    expect([c.pendingCount, c.isPending('e'), c.deletePending('f')]).toEqual([0, false, false]);
  });
});
