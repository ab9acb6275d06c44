import { isIP } from 'node:net';

/** What the browser connects to: the site, through Caddy. */
export interface PublicAddress {
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

const HOSTNAME = /^[A-Za-z0-9.-]+$/;

export function parsePort(raw: string | number): number | null {
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
}

/** A host name, an IP address, or a bracketed IPv6 address. */
export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  if (host.startsWith('[') && host.endsWith(']')) return isIP(host.slice(1, -1)) === 6;
  return HOSTNAME.test(host);
}

/** For listening: no brackets. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** For URLs and host:port strings (pusher-php, Caddy upstreams): IPv6 in brackets. */
export function urlHost(host: string): string {
  const bare = bareHost(host);
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

export function addressOfUrl(url: URL): PublicAddress {
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  return { scheme, host: url.hostname, port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80 };
}

export function formatPublicUrl(address: PublicAddress): string {
  const defaultPort = address.scheme === 'https' ? 443 : 80;
  return `${address.scheme}://${urlHost(address.host)}${address.port === defaultPort ? '' : `:${address.port}`}`;
}

/** A prompt answer: the address, or the message to show under the prompt. */
export function parsePublicUrl(raw: string): PublicAddress | string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // Reported to the prompt as a validation message.
    return 'Enter a URL like https://example.com';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use http:// or https://';
  if (url.pathname !== '/' || url.search || url.hash) return 'Enter only scheme, host and optional port';
  return addressOfUrl(url);
}

/** A prompt answer `host:port` (IPv6 in brackets). */
export function parseHostPort(raw: string): { host: string; port: number } | string {
  const match = /^\s*(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d+)\s*$/.exec(raw);
  if (!match || !isValidHost(match[1]!)) return 'Enter host:port, e.g. 127.0.0.1:6001';
  const port = parsePort(match[2]!);
  return port === null ? 'The port must be between 1 and 65535' : { host: bareHost(match[1]!), port };
}
