import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * The smallest Pusher-protocol peer pusher-js accepts: it completes the handshake with a fixed
 * socket id, answers pings, and confirms public subscriptions. Enough to give Echo a socket id for
 * the X-Socket-ID tests without the sidecar itself; event delivery is tested against the real
 * sidecar in test/e2e. The same port also serves plain HTTP and records request headers, standing
 * in for Laravel receiving axios requests.
 */
export interface HandshakeServer {
  port: number;
  socketId: string;
  /** Headers of each plain HTTP request, in order. */
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startHandshakeServer(socketId = '1234.5678'): Promise<HandshakeServer> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end('{"ok":true}');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.send(JSON.stringify({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: socketId, activity_timeout: 120 }) }));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { event: string; data?: { channel?: string } };
      if (message.event === 'pusher:ping') socket.send(JSON.stringify({ event: 'pusher:pong', data: '{}' }));
      if (message.event === 'pusher:subscribe' && message.data?.channel) {
        socket.send(JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel: message.data.channel, data: '{}' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    socketId,
    requests,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
