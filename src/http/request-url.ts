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

export interface ApiTarget {
  /** Still percent-encoded. */
  pathname: string;
  /** Query parameters, first occurrence of a name wins (as URLSearchParams.get answers). */
  params: Map<string, string>;
}

/**
 * The API's view of a request target: like `parseRequestUrl`, but the query comes back as a Map
 * split by hand when it holds nothing to decode (every signed Pusher request: keys, a timestamp and
 * hex), which costs a fraction of a URLSearchParams. Anything with `%` or `+` goes through
 * URLSearchParams, so decoding stays exactly the WHATWG one.
 */
export function parseApiTarget(target: string | undefined): ApiTarget | undefined {
  const raw = target ?? '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('/.') || raw.includes('#')) {
    const url = parseRequestUrl(raw);
    return url ? { pathname: url.pathname, params: firstValues(url.searchParams) } : undefined;
  }
  const params = new Map<string, string>();
  if (q === -1) return { pathname: path, params };
  const query = raw.slice(q + 1);
  if (query.includes('%') || query.includes('+')) return { pathname: path, params: firstValues(new URLSearchParams(query)) };
  let from = 0;
  while (from <= query.length) {
    let to = query.indexOf('&', from);
    if (to === -1) to = query.length;
    if (to > from) {
      const eq = query.indexOf('=', from);
      const name = eq === -1 || eq > to ? query.slice(from, to) : query.slice(from, eq);
      if (!params.has(name)) params.set(name, eq === -1 || eq > to ? '' : query.slice(eq + 1, to));
    }
    from = to + 1;
  }
  return { pathname: path, params };
}

function firstValues(search: URLSearchParams): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of search) if (!params.has(name)) params.set(name, value);
  return params;
}
