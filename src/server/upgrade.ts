import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { RawData, Server as WebSocketServer, WebSocket } from 'ws';
import type { App } from '../apps/app.js';
import type { AppRegistry } from '../apps/app-registry.js';
import { FORWARDED_HANDSHAKE_HEADERS } from '../auth/auth-forwarder.js';
import type { Hub } from '../channels/hub.js';
import { closeWithError } from '../connections/close-with-error.js';
import { Connection, NO_HEADERS, type ConnectionEnv, type HandshakeHeaders } from '../connections/connection.js';
import type { ConnectionSocket } from '../connections/connection-socket.js';
import { handleMessage } from '../handlers/dispatch.js';
import { createSocketId } from '../connections/socket-id.js';
import { appKeyFromPath } from './app-key-path.js';
import { parseHandshakeTarget } from './handshake-target.js';
import { decodePathSegment } from '../http/request-url.js';
import { peerAddress, resolveClientIp, resolveRequestHost } from '../guards/client-ip.js';
import type { GuardVerdict, HandshakeContext, HandshakeGuard } from '../guards/handshake-guard.js';
import { CODES, type CodeEntry } from '../protocol/codes.js';
import { connectionEstablishedFrame } from '../protocol/server-frames.js';

type Refusal = Extract<GuardVerdict, { ok: false }>;

/** How long a refused socket gets to read its close frame before it is dropped. */
const REFUSED_SOCKET_GRACE_MS = 2000;
const SUPPORTED_PROTOCOLS = new Set(['5', '6', '7']);

export interface UpgradeOptions {
  hub: Hub;
  apps: AppRegistry;
  wss: WebSocketServer<typeof ConnectionSocket>;
  guards: readonly HandshakeGuard[];
  isTrustedProxy: (address: string) => boolean;
  isAccepting: () => boolean;
  /** Counts an accepted socket (per-IP cap)... */
  trackConnection?: (ip: string) => void;
  /** ...and uncounts it when it closes (once per tracked socket). */
  releaseConnection?: (ip: string) => void;
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

/**
 * The handshake headers auth forwarding replays to Laravel. X-Forwarded-* only count when a
 * trusted proxy set them; from anyone else they are dropped, or a client could make Laravel (which
 * trusts the sidecar) believe any IP or host. Behind a trusted proxy X-Forwarded-Host is replaced
 * by the host resolved by the same rule the origin guard used; from an untrusted peer there is no
 * such header at all: its Host is the client's own word, and Laravel would take an
 * X-Forwarded-Host from the sidecar as the proxy's.
 */
function keptHeaders(req: IncomingMessage, fromTrustedProxy: boolean, host: string | undefined): HandshakeHeaders {
  const out: HandshakeHeaders = {};
  for (const name of FORWARDED_HANDSHAKE_HEADERS) {
    if (!fromTrustedProxy && name.startsWith('x-forwarded-')) continue;
    const value = req.headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (fromTrustedProxy && host !== undefined) out['x-forwarded-host'] = host;
  return out;
}

/** Why a socket is refused after the upgrade, from the request alone; undefined when it may go on. */
function requestFailure(key: string | undefined, app: App | undefined, pathname: string, protocol: string | undefined): Refusal | undefined {
  if (key === undefined) return { ok: false, entry: CODES.pathNotFound, detail: `No app key in path ${pathname.slice(0, 100)}` };
  if (!app) return { ok: false, entry: CODES.appNotFound, detail: 'Application does not exist' };
  if (!app.enabled) return { ok: false, entry: CODES.appDisabled, detail: 'Application is disabled' };
  if (protocol !== undefined && !SUPPORTED_PROTOCOLS.has(protocol)) {
    return { ok: false, entry: CODES.unsupportedProtocol, detail: `Unsupported protocol version ${protocol.slice(0, 10)}; use 5 to 7` };
  }
  return undefined;
}

/** The one upgrade path: guards before the upgrade (HTTP answers), then after it (close codes). */
export function createUpgradeHandler(options: UpgradeOptions) {
  const { hub, wss } = options;
  const { config } = hub;
  const beforeUpgrade = options.guards.filter((guard) => guard.stage === 'before-upgrade');
  const afterUpgrade = options.guards.filter((guard) => guard.stage === 'after-upgrade');

  // Logged once by the rejection log observer (src/logging/rejection-log.ts).
  const reject = (entry: CodeEntry, detail: string, context: { app?: App | undefined; ip: string }) => {
    hub.observers.emit('rejected', { entry, detail, ip: context.ip, ...(context.app ? { appId: context.app.id } : {}) });
  };

  const closeWith = (ws: WebSocket, entry: CodeEntry, detail: string) => {
    // A refused socket may still send garbage before it reads the close: without a listener ws's
    // 'error' would be thrown and take the process down.
    ws.on('error', onRefusedSocketError);
    closeWithError(ws, entry, detail);
    // Refused sockets are not tracked; a peer that never answers the close must not hold a file
    // descriptor for ws's 30 s close timeout.
    setTimeout(() => ws.terminate(), REFUSED_SOCKET_GRACE_MS).unref();
  };

  // Shared listeners: a closure made per request would keep the whole handshake (request,
  // headers, parsed URL) alive for as long as the socket lives, kilobytes per idle connection;
  // one per event per accepted socket would still cost each idle socket hundreds of bytes.
  const onSocketError = (err: Error) => hub.logger.debug({ err: err.message }, 'handshake socket error');
  const onRefusedSocketError = (err: Error) => hub.logger.debug({ err: err.message }, 'refused socket error');

  /** What every connection of this server shares (limits, clock, the slow-consumer answer). */
  const env: ConnectionEnv = {
    maxBufferedBytes: config.maxBufferedBytes,
    clientEventRate: config.clientEventRate,
    messageRate: config.messageRate,
    messageBurst: config.messageBurst,
    clock: hub.now,
    onSlow: (slow) => {
      hub.observers.emit('rejected', { entry: CODES.slowConsumer, detail: 'send buffer over --max-buffered-bytes', appId: slow.app.id, ip: slow.ip });
      slow.closeNow(CODES.slowConsumer);
    },
  };

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const connection = (this as ConnectionSocket).connection!;
    // Last line of defence: a bug in one handler must cost this message, not the process.
    try {
      handleMessage(hub, connection, data, isBinary);
    } catch (err) {
      hub.logger.error({ err, socketId: connection.socketId, appId: connection.app.id }, 'message handler failed');
      connection.sendError(CODES.invalidMessage, 'Invalid message: the server could not process it');
    }
  }

  function onPong(this: WebSocket): void {
    const connection = (this as ConnectionSocket).connection!;
    connection.lastActivity = hub.now();
    connection.pingSentAt = 0;
  }

  function onError(this: WebSocket, err: Error & { code?: string }): void {
    const connection = (this as ConnectionSocket).connection!;
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      hub.observers.emit('rejected', { entry: CODES.messageTooLarge, detail: err.message, appId: connection.app.id, ip: connection.ip });
    }
    hub.logger.debug({ socketId: connection.socketId, code: err.code, err: err.message }, 'socket error');
  }

  function onClose(this: WebSocket, code: number): void {
    const connection = (this as ConnectionSocket).connection!;
    connection.closed = true;
    options.releaseConnection?.(connection.ip);
    hub.removeConnection(connection);
    hub.observers.emit('connectionClosed', connection.app, code);
    if (hub.observers.tracing) hub.observers.emit('trace', { kind: 'connection_closed', appId: connection.app.id, socketId: connection.socketId, ip: connection.ip, code });
  }

  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', onSocketError);
    const peer = peerAddress(req);
    const fromTrustedProxy = options.isTrustedProxy(peer);
    const ip = resolveClientIp(req, options.isTrustedProxy, peer);
    if (!options.isAccepting()) {
      reject(CODES.httpUnavailable, 'Server is shutting down', { ip });
      rejectHttp(socket, CODES.httpUnavailable, 'Server is shutting down');
      return;
    }
    const url = parseHandshakeTarget(req.url);
    if (!url) {
      reject(CODES.httpBadRequest, 'Unparseable request target', { ip });
      rejectHttp(socket, CODES.httpBadRequest, 'Unparseable request target');
      return;
    }
    const key = appKeyFromPath(url.pathname);
    // Keys are plain ASCII: only one with an escape in it needs decoding.
    const decodedKey = key === undefined || !key.includes('%') ? key : decodePathSegment(key);
    const app = decodedKey === undefined ? undefined : options.apps.findByKey(decodedKey);
    const context: HandshakeContext = {
      req, ip, app,
      host: resolveRequestHost(req, options.isTrustedProxy, peer),
      now: hub.now(),
      connectionCount: hub.connectionCount,
      appConnectionCount: app ? hub.state(app).connections.size : 0,
    };
    for (const guard of beforeUpgrade) {
      const verdict = guard.check(context);
      if (!verdict.ok) {
        reject(verdict.entry, verdict.detail, context);
        rejectHttp(socket, verdict.entry, verdict.detail, verdict.retryAfterSeconds);
        return;
      }
    }

    wss.handleUpgrade(req, socket, head, (ws) => {
      const failure = requestFailure(key, app, url.pathname, url.protocol) ?? afterUpgradeFailure(context);
      if (failure) {
        reject(failure.entry, failure.detail, context);
        closeWith(ws, failure.entry, failure.detail);
        return;
      }
      const headers = options.keepHeaders ? keptHeaders(req, fromTrustedProxy, context.host) : NO_HEADERS;
      admit(ws, app!, context, socket as Socket, headers);
    });
  };

  /** The after-upgrade guards, on counts read again: they may have moved while the upgrade completed. */
  function afterUpgradeFailure(context: HandshakeContext): Refusal | undefined {
    context.connectionCount = hub.connectionCount;
    context.appConnectionCount = hub.state(context.app!).connections.size;
    for (const guard of afterUpgrade) {
      const verdict = guard.check(context);
      if (!verdict.ok) return verdict;
    }
    return undefined;
  }

  /**
   * The app quota across the cluster (4004); one node alone was checked by the guard above. A
   * state that answers at once (local) is answered at once: no promise per handshake.
   */
  function admit(ws: ConnectionSocket, app: App, context: HandshakeContext, socket: Socket, headers: HandshakeHeaders): void {
    const admission = hub.admit(app);
    if (!hub.cluster.shared) {
      accept(ws, app, socket, context.ip, headers);
      return;
    }
    if (typeof admission === 'boolean') {
      admitted(ws, app, context, socket, headers, admission);
      return;
    }
    admission.then(
      (ok) => admitted(ws, app, context, socket, headers, ok),
      (err: unknown) => hub.logger.error({ err }, 'admission failed'),
    );
  }

  function admitted(ws: ConnectionSocket, app: App, context: HandshakeContext, socket: Socket, headers: HandshakeHeaders, ok: boolean): void {
    if (ws.readyState !== ws.OPEN) {
      if (ok) hub.cluster.closeConnection(app.id);
    } else if (ok) {
      accept(ws, app, socket, context.ip, headers);
    } else {
      const detail = `App ${app.id} has ${app.maxConnections} connections across the cluster`;
      reject(CODES.appOverQuota, detail, context);
      closeWith(ws, CODES.appOverQuota, detail);
    }
  }

  function accept(ws: ConnectionSocket, app: App, socket: Socket, ip: string, headers: HandshakeHeaders): void {
    let socketId = createSocketId();
    while (hub.hasSocketId(socketId)) socketId = createSocketId();
    const connection = new Connection({ ws, socket, socketId, app, ip, headers, env, now: hub.now() });
    ws.connection = connection;
    hub.addConnection(connection);
    options.trackConnection?.(ip);
    hub.observers.emit('connectionOpened', app);
    if (hub.observers.tracing) hub.observers.emit('trace', { kind: 'connection_opened', appId: app.id, socketId, ip });
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    connection.send(connectionEstablishedFrame(socketId, config.activityTimeout));
  }
}
