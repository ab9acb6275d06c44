import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { parseRequestUrl, type RequestTarget } from '../http/request-url.js';
import type { Logger } from '../logging/logger.js';

/**
 * Another set of routes on the metrics listener (the debug console). Answers true when it took
 * the request; it must never throw for bad input.
 */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: RequestTarget) => boolean;

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
  routes?: ExtraRoutes;
}

export interface MetricsServer {
  readonly url: string;
  /** The listener's origin, e.g. http://127.0.0.1:9601 */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
}

/** Serves `GET /metrics` (Prometheus text) on its own port, apart from the public API. */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    // The request target is attacker-controlled (`//`, `http://[`): the WHATWG URL parser throws
    // on some, and a throw here once took the whole process down (issue 11, item 1).
    const url = parseRequestUrl(req.url);
    if (!url) {
      plain(res, 400, 'Bad request: unparseable request target\n');
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && url.pathname === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': options.registry.contentType, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          options.logger.error({ err }, 'collecting metrics failed');
          plain(res, 500, 'collecting metrics failed\n');
        },
      );
      return;
    }
    if (options.routes?.(req, res, url)) return;
    plain(res, 404, 'Not found: metrics are at /metrics\n');
  };
  const server: Server = createServer((req, res) => {
    // Last line of defence: a bug in one route costs that request, never the process.
    try {
      handle(req, res);
    } catch (err) {
      options.logger.error({ err }, 'metrics listener handler failed');
      plain(res, 500, 'internal error\n');
    }
  });
  server.on('clientError', (err, socket) => {
    options.logger.debug({ err: err.message }, 'malformed HTTP request on the metrics listener');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? ` (port in use: pick another --metrics-port, or 0 to disable metrics)` : '';
      reject(new Error(`metrics endpoint cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}${hint}`));
    });
    server.listen(options.port, options.host, () => {
      server.on('error', (err) => options.logger.error({ err }, 'metrics listener error'));
      const address = server.address() as AddressInfo;
      const host = address.address.includes(':') ? `[${address.address}]` : address.address;
      const origin = `http://${host}:${address.port}`;
      resolve({
        url: `${origin}/metrics`,
        origin,
        port: address.port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
