import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface FakeSite {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The public site as Caddy + Laravel present it: /app/* WebSocket upgrades are passed through to
 * the sidecar (502 when it is not there), and /broadcasting/auth answers as Laravel does for a
 * guest (403), or 404 when the channels route is not registered.
 */
export async function startFakeSite(options: { sidecarPort: number; authStatus?: number }): Promise<FakeSite> {
  const sockets = new Set<Duplex>();
  const server: Server = createServer((req, res) => {
    if (req.url === '/broadcasting/auth' && (req.method === 'POST' || req.method === 'GET')) {
      const status = options.authStatus ?? 403;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: status === 404 ? 'Not Found' : 'This action is unauthorized.' }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
  });
  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!req.url?.startsWith('/app/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream: Socket = connect(options.sidecarPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    upstream.on('connect', () => {
      let head_ = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) head_ += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(`${head_}\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** A port nothing listens on (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
