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
  const check = (address: string): boolean => {
    const ip = normalize(address);
    if (isIPv4(ip)) return list.check(ip, 'ipv4');
    if (isIPv6(ip)) return list.check(ip, 'ipv6');
    return false;
  };
  // BlockList.check allocates a SocketAddress per call and each handshake asks several times
  // (mostly about the same proxy address), so verdicts are remembered in a bounded table.
  const verdicts = new Map<string, boolean>();
  return (address) => {
    let verdict = verdicts.get(address);
    if (verdict === undefined) {
      if (verdicts.size >= PROXY_VERDICT_CACHE_SIZE) verdicts.clear();
      verdict = check(address);
      verdicts.set(address, verdict);
    }
    return verdict;
  };
}

const PROXY_VERDICT_CACHE_SIZE = 4096;

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
export function resolveClientIp(req: IncomingMessage, isTrusted: (address: string) => boolean, peer = peerAddress(req)): string {
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

/** The TCP peer's address, IPv4-mapped IPv6 written as IPv4; pass it on when asking several questions. */
export function peerAddress(req: IncomingMessage): string {
  return normalize(req.socket.remoteAddress ?? '');
}

/** Host the browser asked for: X-Forwarded-Host from a trusted proxy, else Host. */
export function resolveRequestHost(req: IncomingMessage, isTrusted: (address: string) => boolean, peer = peerAddress(req)): string | undefined {
  const forwarded = isTrusted(peer) ? header(req, 'x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return (forwarded || header(req, 'host'))?.toLowerCase();
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  if (tail === undefined) return left;
  const right = groups(tail);
  // An embedded IPv4 tail (64:ff9b::1.2.3.4) takes two groups.
  const rightLength = right.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  return [...left, ...Array<string>(Math.max(0, 8 - left.length - rightLength)).fill('0'), ...right];
}

/**
 * The key every per-IP limit counts a client under (handshake rate, connections per IP, auth
 * slots): its IPv4 address, or the /64 of an IPv6 one. One subscriber gets a whole /64, so keying
 * on full IPv6 addresses would give an attacker 2^64 fresh keys and let them flush the tables.
 */
export function rateLimitKey(ip: string): string {
  // Every IPv6 address has a colon and no IPv4 one does: most keys skip isIPv6's regex.
  if (!ip.includes(':') || !isIPv6(ip)) return ip;
  const groups = expandIPv6(ip.toLowerCase().split('%')[0]!).slice(0, 4);
  return `${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
