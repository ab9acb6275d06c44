import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';

interface ParsedOrigin {
  /** `scheme://host[:port]`, lower-cased, default port dropped. */
  origin: string;
  /** `host[:port]`. */
  host: string;
  hostname: string;
}

function parseOrigin(origin: string): ParsedOrigin | undefined {
  try {
    const url = new URL(origin);
    // "null" (file://, sandboxed iframes) and opaque schemes have no host to match.
    if (url.host === '') return undefined;
    return { origin: `${url.protocol}//${url.host}`.toLowerCase(), host: url.host.toLowerCase(), hostname: url.hostname.toLowerCase() };
  } catch {
    return undefined;
  }
}

// Browsers omit default ports from Origin (URL drops them too), but a proxy may forward
// "Host: app.test:443"; both sides are compared without them.
function withoutDefaultPort(host: string): string {
  return host.replace(/:(80|443)$/, '');
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

type Pattern = { on: 'origin' | 'host' | 'hostname'; regexp: RegExp };

function compile(entry: string): Pattern {
  const normalized = entry.trim().toLowerCase().replace(/\/+$/, '');
  if (normalized.includes('://')) return { on: 'origin', regexp: wildcardToRegExp(normalized.replace(/:(80|443)$/, '')) };
  // A host entry with a port must match the port; without one it matches any port (as Reverb does).
  return { on: /:[\d*]+$/.test(normalized) ? 'host' : 'hostname', regexp: wildcardToRegExp(normalized) };
}

/**
 * Decides whether an Origin may connect. Entries are full origins (`https://app.test`), hosts
 * (`app.test` matches any port, `app.test:8443` only that one), either with `*` wildcards
 * (`*.app.test`); `*` alone allows everything, even `Origin: null`. With no entries the Origin's
 * host must equal the host the request was sent to.
 */
export function createOriginMatcher(allowed: readonly string[]): (origin: string, requestHost: string | undefined) => boolean {
  const entries = allowed.map((e) => e.trim()).filter(Boolean);
  if (entries.includes('*')) return () => true;
  const patterns = entries.map(compile);
  return (origin, requestHost) => {
    const parsed = parseOrigin(origin);
    if (!parsed) return false;
    if (patterns.length === 0) {
      return requestHost !== undefined && withoutDefaultPort(parsed.host) === withoutDefaultPort(requestHost.toLowerCase());
    }
    return patterns.some(({ on, regexp }) => regexp.test(parsed[on]));
  };
}

/**
 * --allowed-origins. Checked after the upgrade so the browser gets pusher:error 4009 and close
 * 4009: pusher-js stops retrying and logs why (a 403 before the upgrade reads as a network error
 * and is retried forever). Requests without Origin (native apps, servers) pass: only browsers
 * send it, and only browsers need protecting from cross-site pages.
 */
export function createOriginGuard(allowed: readonly string[]): HandshakeGuard {
  const matches = createOriginMatcher(allowed);
  return {
    name: 'origin',
    stage: 'after-upgrade',
    check({ req, host }) {
      const origin = req.headers.origin;
      if (origin === undefined || matches(origin, host)) return ALLOW;
      // Escaped to ASCII: the header is client input and ends up in logs, a frame and a close reason.
      const shown = JSON.stringify(origin.slice(0, 100)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      return { ok: false, entry: CODES.originNotAllowed, detail: `Origin ${shown} not allowed` };
    },
  };
}
