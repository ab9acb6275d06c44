import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';

/** --max-connections for the whole server (4100: pusher-js backs off and retries). */
export function createServerCapacityGuard(maxConnections: number): HandshakeGuard {
  return {
    name: 'max-connections',
    stage: 'after-upgrade',
    check({ connectionCount }) {
      if (maxConnections === 0 || connectionCount < maxConnections) return ALLOW;
      return { ok: false, entry: CODES.overCapacity, detail: `Server has ${connectionCount} of ${maxConnections} connections` };
    },
  };
}

/** Per-app `maxConnections` (4004: the app is over its quota). */
export function createAppQuotaGuard(): HandshakeGuard {
  return {
    name: 'app-quota',
    stage: 'after-upgrade',
    check({ app, appConnectionCount }) {
      if (!app || app.maxConnections === 0 || appConnectionCount < app.maxConnections) return ALLOW;
      return { ok: false, entry: CODES.appOverQuota, detail: `App ${app.id} has ${appConnectionCount} of ${app.maxConnections} connections` };
    },
  };
}
