import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';

function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** A --trust-proxy list (IPs or CIDRs) as a matcher. */
export function createProxyMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    if (!address) continue;
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    const ip = normalize(address);
    if (isIPv4(ip)) return list.check(ip, 'ipv4');
    if (isIPv6(ip)) return list.check(ip, 'ipv6');
    return false;
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The client's IP: the TCP peer, unless that peer is a trusted proxy, in which case the right-most
 * X-Forwarded-For hop that is not itself a trusted proxy (hops left of it could be forged).
 */
export function resolveClientIp(req: IncomingMessage, isTrusted: (address: string) => boolean): string {
  const peer = normalize(req.socket.remoteAddress ?? '');
  if (!isTrusted(peer)) return peer;
  const forwarded = header(req, 'x-forwarded-for');
  if (!forwarded) return peer;
  const hops = forwarded.split(',').map((hop) => normalize(hop.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isTrusted(hop)) return hop;
  }
  return hops[0] ?? peer;
}

/** Host the browser asked for: X-Forwarded-Host from a trusted proxy, else Host. */
export function resolveRequestHost(req: IncomingMessage, isTrusted: (address: string) => boolean): string | undefined {
  const peer = normalize(req.socket.remoteAddress ?? '');
  const forwarded = isTrusted(peer) ? header(req, 'x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return (forwarded || header(req, 'host'))?.toLowerCase();
}
