import { parseRequestUrl, splitPlainTarget } from '../http/request-url.js';

/** What the upgrade path reads of the request target: the path, and the `protocol` parameter. */
export interface HandshakeTarget {
  /** Still percent-encoded. */
  pathname: string;
  /** The first `protocol` query parameter, decoded as URLSearchParams decodes it; undefined when absent. */
  protocol: string | undefined;
}

/**
 * The handshake's request target, or undefined when it cannot be parsed. Same split and decoding
 * as the API's parseApiTarget (origin-form paths by hand, the rest through the WHATWG parser, a
 * query with `%` or `+` through URLSearchParams), but only `protocol` is looked up: a handshake
 * needs no Map of every parameter pusher-js sends.
 */
export function parseHandshakeTarget(target: string | undefined): HandshakeTarget | undefined {
  const raw = target ?? '/';
  const plain = splitPlainTarget(raw);
  if (!plain) {
    const url = parseRequestUrl(raw);
    return url ? { pathname: url.pathname, protocol: url.searchParams.get('protocol') ?? undefined } : undefined;
  }
  const { path, query } = plain;
  if (query === undefined) return { pathname: path, protocol: undefined };
  if (query.includes('%') || query.includes('+')) return { pathname: path, protocol: new URLSearchParams(query).get('protocol') ?? undefined };
  return { pathname: path, protocol: firstValue(query, 'protocol') };
}

/** The value of the first `name` parameter of a query with nothing to decode ('' for a bare name). */
function firstValue(query: string, name: string): string | undefined {
  let from = 0;
  while (from <= query.length) {
    let to = query.indexOf('&', from);
    if (to === -1) to = query.length;
    if (to > from && query.startsWith(name, from)) {
      const after = from + name.length;
      if (after === to) return '';
      if (query.charCodeAt(after) === 0x3d) return query.slice(after + 1, to);
    }
    from = to + 1;
  }
  return undefined;
}
