import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';
import { rateLimitKey } from './client-ip.js';

export interface IpConnectionGuard extends HandshakeGuard {
  /** Counts an accepted connection against its client; `release(ip)` exactly once when it closes. */
  add(ip: string): void;
  release(ip: string): void;
  /** Open connections of the client `ip` belongs to (its IPv4 address or IPv6 /64). */
  count(ip: string): number;
  /** Clients with at least one open connection (for tests and metrics). */
  size(): number;
}

/**
 * --max-connections-per-ip: open WebSockets per client, keyed like the handshake limiter (IPv4
 * address, IPv6 /64) on the IP resolved behind --trust-proxy. Checked after the upgrade so the
 * client gets close 4103, on which pusher-js backs off and retries. Only clients with an open
 * connection have an entry, removed when their last one closes, so the table is never larger
 * than the number of open sockets (itself capped by --max-connections).
 */
export function createIpConnectionGuard(maxPerIp: number): IpConnectionGuard {
  const open = new Map<string, number>();
  const add = (ip: string): void => {
    const key = rateLimitKey(ip);
    open.set(key, (open.get(key) ?? 0) + 1);
  };
  const release = (ip: string): void => {
    const key = rateLimitKey(ip);
    const left = (open.get(key) ?? 1) - 1;
    if (left <= 0) open.delete(key);
    else open.set(key, left);
  };
  return {
    name: 'max-connections-per-ip',
    stage: 'after-upgrade',
    size: () => open.size,
    count: (ip) => open.get(rateLimitKey(ip)) ?? 0,
    check({ ip }) {
      if (maxPerIp === 0) return ALLOW;
      const key = rateLimitKey(ip);
      const current = open.get(key) ?? 0;
      if (current < maxPerIp) return ALLOW;
      return { ok: false, entry: CODES.tooManyConnectionsFromIp, detail: `${key} has ${current} of ${maxPerIp} connections (--max-connections-per-ip)` };
    },
    add,
    release,
  };
}
