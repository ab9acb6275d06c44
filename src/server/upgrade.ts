import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import type { App } from '../apps/app.js';
import type { AppRegistry } from '../apps/app-registry.js';
import { FORWARDED_HANDSHAKE_HEADERS } from '../auth/auth-forwarder.js';
import type { Hub } from '../channels/hub.js';
import { Connection, type HandshakeHeaders } from '../connections/connection.js';
import { handleMessage } from '../connections/handle-message.js';
import { createSocketId } from '../connections/socket-id.js';
import { resolveClientIp, resolveRequestHost } from '../guards/client-ip.js';
import type { GuardVerdict, HandshakeContext, HandshakeGuard } from '../guards/handshake-guard.js';
import { CODES, type CodeEntry } from '../protocol/codes.js';
import { connectionEstablishedFrame, errorFrame } from '../protocol/server-frames.js';

const SUPPORTED_PROTOCOLS = new Set(['5', '6', '7']);
// pusher-js may prefix the path (wsPath); the key is the last segment after /app/.
const APP_PATH = /\/app\/([^/]+)\/?$/;

export interface UpgradeOptions {
  hub: Hub;
  apps: AppRegistry;
  wss: WebSocketServer;
  guards: readonly HandshakeGuard[];
  isTrustedProxy: (address: string) => boolean;
  isAccepting: () => boolean;
  /** Keep handshake headers for auth forwarding. */
  keepHeaders: boolean;
}

function rejectHttp(socket: Duplex, entry: CodeEntry, detail: string, retryAfterSeconds?: number): void {
  const body = JSON.stringify({ error: detail, code: entry.code });
  const headers = [
    `HTTP/1.1 ${entry.code} ${STATUS_CODES[entry.code] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  if (retryAfterSeconds !== undefined) headers.push(`Retry-After: ${retryAfterSeconds}`);
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

function keptHeaders(req: IncomingMessage): HandshakeHeaders {
  const out: HandshakeHeaders = {};
  for (const name of FORWARDED_HANDSHAKE_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The one upgrade path: guards before the upgrade (HTTP answers), then after it (close codes). */
export function createUpgradeHandler(options: UpgradeOptions) {
  const { hub, wss } = options;

  const reject = (entry: CodeEntry, detail: string, context: { app?: App | undefined; ip: string }) => {
    hub.observers.emit('rejected', { entry, detail, ip: context.ip, ...(context.app ? { appId: context.app.id } : {}) });
    hub.logger.info({ code: entry.code, reason: entry.id, appId: context.app?.id, ip: context.ip }, detail);
  };

  const closeWith = (ws: WebSocket, entry: CodeEntry, detail: string) => {
    ws.send(errorFrame(entry, detail));
    ws.close(entry.code, detail.slice(0, 120));
  };

  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => hub.logger.debug({ err: err.message }, 'handshake socket error'));
    const ip = resolveClientIp(req, options.isTrustedProxy);
    if (!options.isAccepting()) {
      reject(CODES.httpUnavailable, 'Server is shutting down', { ip });
      rejectHttp(socket, CODES.httpUnavailable, 'Server is shutting down');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = APP_PATH.exec(url.pathname)?.[1];
    const app = key === undefined ? undefined : options.apps.findByKey(decodeURIComponent(key));
    const context: HandshakeContext = {
      req, ip, app,
      host: resolveRequestHost(req, options.isTrustedProxy),
      now: hub.now(),
      connectionCount: hub.connectionCount,
      appConnectionCount: app ? hub.state(app).connections.size : 0,
    };
    for (const guard of options.guards) {
      if (guard.stage !== 'before-upgrade') continue;
      const verdict = guard.check(context);
      if (!verdict.ok) {
        reject(verdict.entry, verdict.detail, context);
        rejectHttp(socket, verdict.entry, verdict.detail, verdict.retryAfterSeconds);
        return;
      }
    }

    wss.handleUpgrade(req, socket, head, (ws) => {
      const failure = ((): GuardVerdict => {
        if (key === undefined) return { ok: false, entry: CODES.pathNotFound, detail: `No app key in path ${url.pathname.slice(0, 100)}` };
        if (!app) return { ok: false, entry: CODES.appNotFound, detail: 'Application does not exist' };
        if (!app.enabled) return { ok: false, entry: CODES.appDisabled, detail: 'Application is disabled' };
        const protocol = url.searchParams.get('protocol');
        if (protocol !== null && !SUPPORTED_PROTOCOLS.has(protocol)) {
          return { ok: false, entry: CODES.unsupportedProtocol, detail: `Unsupported protocol version ${protocol.slice(0, 10)}; use 5 to 7` };
        }
        // Counts may have moved while the upgrade completed.
        context.connectionCount = hub.connectionCount;
        context.appConnectionCount = hub.state(app).connections.size;
        for (const guard of options.guards) {
          if (guard.stage !== 'after-upgrade') continue;
          const verdict = guard.check(context);
          if (!verdict.ok) return verdict;
        }
        return { ok: true };
      })();
      if (!failure.ok) {
        reject(failure.entry, failure.detail, context);
        closeWith(ws, failure.entry, failure.detail);
        return;
      }
      accept(ws, app!, socket as Socket, ip, req);
    });
  };

  function accept(ws: WebSocket, app: App, socket: Socket, ip: string, req: IncomingMessage): void {
    let socketId = createSocketId();
    while (hub.hasSocketId(socketId)) socketId = createSocketId();
    const { config } = hub;
    const connection = new Connection({
      ws, socket, socketId, app, ip,
      headers: options.keepHeaders ? keptHeaders(req) : {},
      limits: {
        maxBufferedBytes: config.maxBufferedBytes,
        clientEventRate: config.clientEventRate,
        messageRate: config.messageRate,
        messageBurst: config.messageBurst,
      },
      now: hub.now(),
      clock: hub.now,
      onSlow: (slow) => {
        hub.observers.emit('rejected', { entry: CODES.slowConsumer, detail: 'send buffer over --max-buffered-bytes', appId: app.id, ip });
        slow.closeNow(CODES.slowConsumer);
      },
    });
    hub.addConnection(connection);
    hub.observers.emit('connectionOpened', app);
    ws.on('message', (data, isBinary) => handleMessage(hub, connection, data, isBinary));
    ws.on('pong', () => {
      connection.lastActivity = hub.now();
      connection.pingSentAt = 0;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        hub.observers.emit('rejected', { entry: CODES.messageTooLarge, detail: err.message, appId: app.id, ip });
      }
      hub.logger.debug({ socketId, code: err.code, err: err.message }, 'socket error');
    });
    ws.on('close', (code) => {
      connection.closed = true;
      hub.removeConnection(connection);
      hub.observers.emit('connectionClosed', app, code);
    });
    connection.send(connectionEstablishedFrame(socketId, config.activityTimeout));
  }
}
