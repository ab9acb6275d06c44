/**
 * Request-target parsing that never throws: the request line and path are attacker-controlled,
 * and a throw inside the upgrade handler would take the process down.
 */

/** The request URL, or `undefined` when it cannot be parsed (e.g. `http://[`). */
export function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
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
