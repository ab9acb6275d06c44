import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

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

/** One X-Forwarded-For hop as an address, tolerating `1.2.3.4:5678` and `[::1]:5678`. */
function parseHop(hop: string): string | undefined {
  let address = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = normalize(address);
  return isIP(address) === 0 ? undefined : address;
}

/**
 * The client's IP: the TCP peer, unless that peer is a trusted proxy, in which case the right-most
 * X-Forwarded-For hop that is not itself a trusted proxy (hops left of it could be forged by the
 * client). A hop that is not an address means the chain cannot be read past it: the nearest
 * proxy stands in for the client.
 */
export function resolveClientIp(req: IncomingMessage, isTrusted: (address: string) => boolean): string {
  const peer = normalize(req.socket.remoteAddress ?? '');
  if (!isTrusted(peer)) return peer;
  const forwarded = header(req, 'x-forwarded-for');
  if (!forwarded) return peer;
  const hops = forwarded.split(',').filter((hop) => hop.trim() !== '');
  let last: string | undefined;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseHop(hops[i]!);
    if (hop === undefined) return last ?? peer;
    if (!isTrusted(hop)) return hop;
    last = hop;
  }
  // Every hop is a trusted proxy: the left-most one is as close to the client as we can get.
  return last ?? peer;
}

/** Whether the handshake came through a trusted proxy, so its X-Forwarded-* headers count. */
export function isFromTrustedProxy(req: IncomingMessage, isTrusted: (address: string) => boolean): boolean {
  return isTrusted(normalize(req.socket.remoteAddress ?? ''));
}

/** Host the browser asked for: X-Forwarded-Host from a trusted proxy, else Host. */
export function resolveRequestHost(req: IncomingMessage, isTrusted: (address: string) => boolean): string | undefined {
  const peer = normalize(req.socket.remoteAddress ?? '');
  const forwarded = isTrusted(peer) ? header(req, 'x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return (forwarded || header(req, 'host'))?.toLowerCase();
}
