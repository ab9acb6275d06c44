/**
 * Request-target parsing that never throws: the request line and path are attacker-controlled,
 * and a throw inside the upgrade handler would take the process down.
 */

export interface RequestTarget {
  /** Still percent-encoded, as URL.pathname is. */
  pathname: string;
  searchParams: URLSearchParams;
}

/**
 * The request target's path and query, or `undefined` when it cannot be parsed (e.g. `http://[`).
 * Origin-form targets (`/apps/1/events?…`, every real client) skip the WHATWG URL parser, which
 * costs more than the rest of a publish's routing.
 */
export function parseRequestUrl(target: string | undefined): RequestTarget | undefined {
  const raw = target ?? '/';
  if (raw.startsWith('/') && !raw.startsWith('//') && !raw.includes('/.') && !raw.includes('#')) {
    const q = raw.indexOf('?');
    return q === -1
      ? { pathname: raw, searchParams: new URLSearchParams() }
      : { pathname: raw.slice(0, q), searchParams: new URLSearchParams(raw.slice(q + 1)) };
  }
  try {
    return new URL(raw, 'http://localhost');
  } catch {
    return undefined;
  }
}

/** decodeURIComponent that answers `undefined` for malformed escapes instead of throwing. */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
