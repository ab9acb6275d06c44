import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
}

export interface MetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` (Prometheus text) on its own port, apart from the public API. */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': options.registry.contentType, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          options.logger.error({ err }, 'collecting metrics failed');
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: metrics are at /metrics\n');
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? ` (port in use: pick another --metrics-port, or 0 to disable metrics)` : '';
      reject(new Error(`metrics endpoint cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}${hint}`));
    });
    server.listen(options.port, options.host, () => {
      const address = server.address() as AddressInfo;
      const host = address.address.includes(':') ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}/metrics`,
        port: address.port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
