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

/**
 * Path and query of an origin-form target that the WHATWG parser would leave as it is (no `//`
 * start, no dot segment, no fragment): what every real client sends, split without a URL object.
 * Undefined for anything else, which then goes through `parseRequestUrl`.
 */
export function splitPlainTarget(raw: string): { path: string; query: string | undefined } | undefined {
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('/.') || raw.includes('#')) return undefined;
  return { path, query: q === -1 ? undefined : raw.slice(q + 1) };
}

export interface ApiTarget {
  /** Still percent-encoded. */
  pathname: string;
  /** Query parameters, first occurrence of a name wins (as URLSearchParams.get answers). */
  params: Map<string, string>;
  /**
   * The query as the API signature signs it (every param but auth_signature, sorted, `name=value`
   * joined by `&`), when the raw query already is that: names lower-case and strictly ascending,
   * nothing to decode, no empty or value-less part. Every Pusher SDK sends that shape, so the
   * string to sign is then a slice of the request line instead of a rebuild from `params`.
   */
  signedQuery: string | undefined;
}

/**
 * The API's view of a request target: like `parseRequestUrl`, but the query comes back as a Map
 * split by hand when it holds nothing to decode (every signed Pusher request: keys, a timestamp and
 * hex), which costs a fraction of a URLSearchParams. Anything with `%` or `+` goes through
 * URLSearchParams, so decoding stays exactly the WHATWG one.
 */
export function parseApiTarget(target: string | undefined): ApiTarget | undefined {
  const raw = target ?? '/';
  const plain = splitPlainTarget(raw);
  if (!plain) {
    const url = parseRequestUrl(raw);
    return url ? { pathname: url.pathname, params: firstValues(url.searchParams), signedQuery: undefined } : undefined;
  }
  const { path, query } = plain;
  const params = new Map<string, string>();
  if (query === undefined) return { pathname: path, params, signedQuery: '' };
  if (query.includes('%') || query.includes('+')) return { pathname: path, params: firstValues(new URLSearchParams(query)), signedQuery: undefined };
  let canonical = true;
  let previous = '';
  // Where the one auth_signature part sits, so the signed query is the rest of the raw query.
  let signatureFrom = -1;
  let signatureTo = -1;
  let from = 0;
  while (from <= query.length) {
    let to = query.indexOf('&', from);
    if (to === -1) to = query.length;
    if (to > from) {
      const eq = query.indexOf('=', from);
      const hasValue = eq !== -1 && eq < to;
      const name = hasValue ? query.slice(from, eq) : query.slice(from, to);
      if (!params.has(name)) params.set(name, hasValue ? query.slice(eq + 1, to) : '');
      else canonical = false;
      if (!hasValue) canonical = false;
      else if (name === 'auth_signature') {
        signatureFrom = from;
        signatureTo = to;
      } else if (canonical) {
        if (name <= previous || !isLowerCaseName(name)) canonical = false;
        previous = name;
      }
    } else {
      canonical = false;
    }
    from = to + 1;
  }
  let signedQuery: string | undefined;
  if (canonical) {
    if (signatureFrom === -1) signedQuery = query;
    else if (signatureTo === query.length) signedQuery = signatureFrom === 0 ? '' : query.slice(0, signatureFrom - 1);
    else signedQuery = query.slice(0, signatureFrom) + query.slice(signatureTo + 1);
  }
  return { pathname: path, params, signedQuery };
}

/** No A-Z: the signature lower-cases names, so only such names sign as they were sent. */
function isLowerCaseName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return false;
  }
  return true;
}

function firstValues(search: URLSearchParams): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of search) if (!params.has(name)) params.set(name, value);
  return params;
}
