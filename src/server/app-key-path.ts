/**
 * The app key of a WebSocket path: its last segment after `/app/`, with at most one trailing
 * slash (pusher-js may prefix the path with wsPath). Undefined when the path has no such segment.
 * The answer of /\/app\/([^/]+)\/?$/, read without a regex: this runs on every handshake.
 */
export function appKeyFromPath(pathname: string): string | undefined {
  const end = pathname.endsWith('/') ? pathname.length - 1 : pathname.length;
  const slash = pathname.lastIndexOf('/', end - 1);
  if (slash < 4 || slash + 1 >= end || !pathname.startsWith('/app', slash - 4)) return undefined;
  return pathname.slice(slash + 1, end);
}
