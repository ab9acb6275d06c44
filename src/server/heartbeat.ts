import type { Hub } from '../channels/hub.js';
import { CODES } from '../protocol/codes.js';
import { PING_FRAME } from '../protocol/server-frames.js';

/**
 * One timer for every socket: pings sockets silent for the activity timeout, closes those that
 * then stay silent for the pong timeout (4201), and those whose send buffer has not drained for
 * --write-wait (4101).
 */
export function startHeartbeat(hub: Hub): () => void {
  const { activityTimeout, pongTimeout, writeWait } = hub.config;
  const intervalMs = Math.min(1000, Math.max(20, (Math.min(activityTimeout, pongTimeout, writeWait) * 1000) / 4));
  const sweep = () => {
    const now = hub.now();
    for (const state of hub.states()) {
      for (const connection of state.connections.values()) {
        if (connection.closed) continue;
        if (connection.blockedSince !== 0 && now - connection.blockedSince > writeWait * 1000) {
          hub.observers.emit('rejected', { entry: CODES.slowConsumer, detail: 'send buffer did not drain', appId: state.app.id, ip: connection.ip });
          connection.closeNow(CODES.slowConsumer);
        } else if (connection.pingSentAt !== 0) {
          if (now - connection.pingSentAt > pongTimeout * 1000) {
            hub.observers.emit('rejected', { entry: CODES.pongTimeout, detail: 'no pong', appId: state.app.id, ip: connection.ip });
            connection.closeNow(CODES.pongTimeout);
          }
        } else if (now - connection.lastActivity > activityTimeout * 1000) {
          connection.pingSentAt = now;
          connection.send(PING_FRAME);
          connection.ws.ping();
        }
      }
    }
    hub.evictExpiredCache();
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
