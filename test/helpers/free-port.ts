import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A port that was free a moment ago and that nothing listens on now: for what cannot report a
 * port 0 choice (Caddy with its admin API off, the metrics listener, where 0 disables it) and
 * for a server that is down.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
