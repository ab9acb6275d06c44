import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';

interface ParsedOrigin {
  /** `scheme://host[:port]`, lower-cased, default port dropped. */
  origin: string;
  /** `host[:port]`, default port dropped. */
  host: string;
  hostname: string;
  /** The port the page was served on: explicit, else its scheme's default. */
  port: string;
  /** Whether the Origin spelled out a port (a default one is dropped by URL, so: a non-default port). */
  explicitPort: boolean;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function parseOrigin(origin: string): ParsedOrigin | undefined {
  try {
    const url = new URL(origin);
    // "null" (file://, sandboxed iframes) and opaque schemes have no host to match.
    if (url.host === '') return undefined;
    return {
      origin: `${url.protocol}//${url.host}`.toLowerCase(),
      host: url.host.toLowerCase(),
      hostname: url.hostname.toLowerCase(),
      port: url.port || DEFAULT_PORTS[url.protocol] || '',
      explicitPort: url.port !== '',
    };
  } catch {
    return undefined;
  }
}

/**
 * Same host: the page and the WebSocket were both addressed to one host name and port.
 * - A request Host without a port (the usual case behind Caddy) accepts an Origin without one:
 *   `https://app.test` or `http://app.test` for `Host: app.test`, but not `http://app.test:443`,
 *   whose explicit port says the page came from elsewhere.
 * - A request Host with a port wants the Origin's port (explicit or its scheme's default) to be
 *   that port: `https://app.test` for `Host: app.test:443`, `http://app.test:8000` for `:8000`.
 * The scheme itself is not compared: behind the proxy the sidecar sees plain HTTP, and the
 * forwarded scheme is only as good as --trust-proxy.
 */
function isSameHost(origin: ParsedOrigin, requestHost: string): boolean {
  const match = /^(.*?)(?::(\d+))?$/.exec(requestHost.toLowerCase());
  const hostname = (match?.[1] ?? '').replace(/^\[|\]$/g, '');
  const port = match?.[2];
  if (hostname !== origin.hostname.replace(/^\[|\]$/g, '')) return false;
  return port === undefined ? !origin.explicitPort : port === origin.port;
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

type Pattern = { on: 'origin' | 'host' | 'hostname'; regexp: RegExp };

function compile(entry: string): Pattern {
  const normalized = entry.trim().toLowerCase().replace(/\/+$/, '');
  if (normalized.includes('://')) return { on: 'origin', regexp: wildcardToRegExp(normalized.replace(/^(http:\/\/.*):80$|^(https:\/\/.*):443$/, '$1$2')) };
  // A host entry with a port must match the port; without one it matches any port (as Reverb does).
  return { on: /:[\d*]+$/.test(normalized) ? 'host' : 'hostname', regexp: wildcardToRegExp(normalized) };
}

export type OriginVerdict = 'excluded' | 'same-host' | 'listed' | 'wildcard' | 'refused';

/**
 * Decides whether an Origin may connect, and why. The rule (README "Allowed origins"):
 * 1. entries starting with `!` exclude what they match, before anything else;
 * 2. `*` allows everything, even `Origin: null`;
 * 3. the same host as the request is always allowed (see isSameHost), so listing other origins
 *    never locks out the app's own pages (APP_URL's origin);
 * 4. then the entries: full origins (`https://app.test`), hosts (`app.test` on any port,
 *    `app.test:8443` on that one), either with `*` wildcards (`*.app.test`).
 * `!same-host` switches 3 off.
 */
export function createOriginPolicy(allowed: readonly string[]): (origin: string, requestHost: string | undefined) => OriginVerdict {
  const entries = allowed.map((e) => e.trim()).filter(Boolean);
  const exclusions = entries.filter((e) => e.startsWith('!')).map((e) => e.slice(1).trim()).filter(Boolean);
  const sameHostAllowed = !exclusions.some((e) => e.toLowerCase() === 'same-host');
  const excluded = exclusions.filter((e) => e.toLowerCase() !== 'same-host').map(compile);
  const inclusions = entries.filter((e) => !e.startsWith('!'));
  const wildcard = inclusions.includes('*');
  const patterns = inclusions.filter((e) => e !== '*').map(compile);
  return (origin, requestHost) => {
    const parsed = parseOrigin(origin);
    if (parsed && excluded.some(({ on, regexp }) => regexp.test(parsed[on]))) return 'excluded';
    if (wildcard) return 'wildcard';
    if (!parsed) return 'refused';
    if (sameHostAllowed && requestHost !== undefined && isSameHost(parsed, requestHost)) return 'same-host';
    return patterns.some(({ on, regexp }) => regexp.test(parsed[on])) ? 'listed' : 'refused';
  };
}

export function createOriginMatcher(allowed: readonly string[]): (origin: string, requestHost: string | undefined) => boolean {
  const policy = createOriginPolicy(allowed);
  return (origin, requestHost) => {
    const verdict = policy(origin, requestHost);
    return verdict !== 'refused' && verdict !== 'excluded';
  };
}

/**
 * --allowed-origins. Checked after the upgrade so the browser gets pusher:error 4009 and close
 * 4009: pusher-js stops retrying and logs why (a 403 before the upgrade reads as a network error
 * and is retried forever). Requests without Origin (native apps, servers) pass: only browsers
 * send it, and only browsers need protecting from cross-site pages.
 */
export function createOriginGuard(allowed: readonly string[]): HandshakeGuard {
  const policy = createOriginPolicy(allowed);
  return {
    name: 'origin',
    stage: 'after-upgrade',
    check({ req, host }) {
      const origin = req.headers.origin;
      if (origin === undefined) return ALLOW;
      const verdict = policy(origin, host);
      if (verdict !== 'refused' && verdict !== 'excluded') return ALLOW;
      // Escaped to ASCII: the header is client input and ends up in logs, a frame and a close reason.
      const ascii = (text: string) => JSON.stringify(text.slice(0, 100)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      // The request host says which rule failed (same host) without another lookup; kept short for the 123-byte close reason.
      const why = verdict === 'excluded' ? 'excluded' : `request host ${ascii(host ?? '')}`;
      return { ok: false, entry: CODES.originNotAllowed, detail: `Origin ${ascii(origin)} not allowed (${why})` };
    },
  };
}
