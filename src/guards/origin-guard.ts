import { CODES } from '../protocol/codes.js';
import { ALLOW, type HandshakeGuard } from './handshake-guard.js';

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Decides whether an Origin may connect. Entries are full origins (`https://app.test`), hosts
 * (`app.test`, `app.test:8443`) or either with `*` wildcards; `*` alone allows everything.
 */
export function createOriginMatcher(allowed: readonly string[]): (origin: string, requestHost: string | undefined) => boolean {
  const patterns = allowed.map((entry) => ({ hasScheme: entry.includes('://'), regexp: wildcardToRegExp(entry) }));
  return (origin, requestHost) => {
    const host = hostOf(origin);
    if (!host) return false;
    if (patterns.length === 0) return requestHost !== undefined && host === requestHost;
    const normalizedOrigin = origin.toLowerCase().replace(/\/$/, '');
    return patterns.some(({ hasScheme, regexp }) => regexp.test(hasScheme ? normalizedOrigin : host) || (!hasScheme && regexp.test(host.replace(/:\d+$/, ''))));
  };
}

/** --allowed-origins; requests without Origin (native apps, servers) pass. */
export function createOriginGuard(allowed: readonly string[]): HandshakeGuard {
  const matches = createOriginMatcher(allowed);
  return {
    name: 'origin',
    stage: 'after-upgrade',
    check({ req, host }) {
      const origin = req.headers.origin;
      if (origin === undefined || matches(origin, host)) return ALLOW;
      return { ok: false, entry: CODES.originNotAllowed, detail: `Origin ${origin.slice(0, 200)} not allowed` };
    },
  };
}
