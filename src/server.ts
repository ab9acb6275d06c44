import { createServer, type Server, type ServerOptions } from 'node:http';
import { getHeapStatistics } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { AppRegistry } from './apps/app-registry.js';
import type { AuthForwarder } from './auth/auth-forwarder.js';
import { Hub } from './channels/hub.js';
import { createCluster, type Cluster } from './cluster/create-cluster.js';
import type { LoadedConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { createAppQuotaGuard, createServerCapacityGuard } from './guards/capacity-guards.js';
import { createProxyMatcher } from './guards/client-ip.js';
import type { HandshakeGuard } from './guards/handshake-guard.js';
import { createHandshakeRateGuard } from './guards/handshake-rate-guard.js';
import { createIpConnectionGuard } from './guards/ip-connection-guard.js';
import { createOriginGuard } from './guards/origin-guard.js';
import { subscriptionBudgetWarning } from './guards/subscription-cap.js';
import { createApiRouter } from './http/api-router.js';
import { ApiRequestMessage } from './http/api-request.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createRejectionLog } from './logging/rejection-log.js';
import { Observers, type ServerObserver } from './observers.js';
import { CODES } from './protocol/codes.js';
import { startHeartbeat } from './server/heartbeat.js';
import { createUpgradeHandler } from './server/upgrade.js';
import { ConnectionSocket } from './connections/connection-socket.js';

/** A backend the server cannot work without (e.g. a fan-out adapter's Redis); /ready fails while it is down. */
export interface ReadinessCheck {
  name: string;
  isReady(): boolean;
}

export interface SidecarOptions {
  loaded: Pick<LoadedConfig, 'config' | 'apps'>;
  logger?: Logger;
  observers?: ServerObserver[];
  authForwarder?: AuthForwarder;
  readinessChecks?: ReadinessCheck[];
  /** Names this node in cluster logs (e.g. "worker-2" under --workers). */
  nodeName?: string;
  /** The shared state and bus; default: made from config (--adapter). */
  cluster?: Cluster;
  now?: () => number;
}

export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

export interface Sidecar {
  readonly hub: Hub;
  readonly http: Server;
  readonly logger: Logger;
  listen(): Promise<ListeningAddress>;
  /** Graceful stop: close sockets with 4200, finish HTTP requests, flush observers, bounded by --shutdown-timeout. */
  close(): Promise<void>;
  isReady(): boolean;
}

/**
 * node:http with explicit timeouts instead of its defaults (headers 60 s, request 300 s): a client
 * that trickles a request holds a socket for at most --http-request-timeout. Node checks them on
 * an interval, which is kept well below the shortest one so a timeout fires close to its value.
 */
function httpServerOptions(config: Config): ServerOptions<typeof ApiRequestMessage> {
  const headersTimeout = Math.round(config.httpHeadersTimeout * 1000);
  const requestTimeout = Math.round(config.httpRequestTimeout * 1000);
  return {
    IncomingMessage: ApiRequestMessage,
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: Math.round(config.httpKeepAliveTimeout * 1000),
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}

/** Wires the hub, the upgrade path with its guards, the HTTP API and the heartbeat. */
export function createSidecar(options: SidecarOptions): Sidecar {
  const { config, apps } = options.loaded;
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const observers = new Observers();
  observers.onError((err, method) => logger.error({ err, method }, 'observer failed'));
  observers.add(createRejectionLog(logger, options.now ? { now: options.now } : {}));
  for (const observer of options.observers ?? []) observers.add(observer);

  const registry = new AppRegistry(apps);
  const cluster = options.cluster ?? createCluster({
    config, logger, appIds: apps.map((app) => app.id),
    onError: (operation) => observers.emit('clusterError', operation),
    onResynced: () => observers.emit('clusterResynced'),
    ...(options.now ? { now: options.now } : {}),
    ...(options.nodeName ? { nodeName: options.nodeName } : {}),
  });
  const hubOptions: ConstructorParameters<typeof Hub>[0] = { apps, config, observers, logger, state: cluster.state, bus: cluster.bus };
  if (options.authForwarder) hubOptions.authForwarder = options.authForwarder;
  if (options.now) hubOptions.now = options.now;
  const hub = new Hub(hubOptions);

  let accepting = true;
  const notReadyReason = (): string | undefined => {
    if (!accepting) return 'shutting down';
    const checks = cluster.readiness ? [cluster.readiness, ...(options.readinessChecks ?? [])] : (options.readinessChecks ?? []);
    const down = checks.find((check) => !check.isReady());
    return down ? `${down.name} is down` : undefined;
  };
  const budgetWarning = subscriptionBudgetWarning(config.maxSubscriptions, getHeapStatistics().heap_size_limit);
  if (budgetWarning) logger.warn(budgetWarning);
  const ipConnections = createIpConnectionGuard(config.maxConnectionsPerIp);
  const guards: HandshakeGuard[] = [
    createHandshakeRateGuard({ rate: config.handshakeRate, burst: config.handshakeBurst, tableSize: config.handshakeTableSize }),
    createOriginGuard(config.allowedOrigins),
    createServerCapacityGuard(config.maxConnections),
    ipConnections,
    createAppQuotaGuard(),
  ];
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageSize, perMessageDeflate: false, clientTracking: false, WebSocket: ConnectionSocket });
  const isTrustedProxy = createProxyMatcher(config.trustProxy);
  const router = createApiRouter({ hub, apps: registry, isReady: () => notReadyReason() === undefined, notReadyReason, isTrustedProxy });
  const http = createServer(httpServerOptions(config), router);
  // `Expect: 100-continue` requests come to the router before node:http invites their body, so a
  // request refused on its head never has its body sent at all.
  http.on('checkContinue', router);
  http.on('upgrade', createUpgradeHandler({
    hub, apps: registry, wss, guards,
    isTrustedProxy,
    isAccepting: () => accepting,
    trackConnection: ipConnections.add,
    releaseConnection: ipConnections.release,
    keepHeaders: Boolean(config.authUrl || config.userAuthUrl),
  }));
  http.on('clientError', (err, socket) => {
    logger.debug({ err: err.message }, 'malformed HTTP request');
    // --http-headers-timeout / --http-request-timeout end up here too; they get their own status.
    const status = (err as NodeJS.ErrnoException).code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
  let stopHeartbeat: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  async function shutdown(): Promise<void> {
    accepting = false;
    stopHeartbeat?.();
    const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    const sockets: Promise<void>[] = [];
    for (const state of hub.states()) {
      for (const connection of state.connections.values()) {
        sockets.push(new Promise((resolve) => connection.ws.once('close', () => resolve())));
        connection.close(CODES.serverShuttingDown);
      }
    }
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.shutdownTimeout * 1000).unref());
    // Observers close after the sockets: closing sockets raises the last channel_vacated /
    // member_removed events, which the webhook observer must still flush.
    const finished = await Promise.race([
      Promise.all([httpClosed, Promise.all(sockets).then(() => hub.settled()).then(() => observers.close())]).then(() => 'done' as const),
      deadline,
    ]);
    if (finished === 'timeout') {
      logger.warn('shutdown timeout reached; dropping what is left');
      for (const state of hub.states()) for (const connection of state.connections.values()) connection.ws.terminate();
      http.closeAllConnections();
    }
    hub.stopTimers();
    await cluster.close();
  }

  return {
    hub, http, logger,
    isReady: () => notReadyReason() === undefined,
    async listen() {
      await cluster.start();
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          const address = http.address() as AddressInfo;
          const host = address.address.includes(':') ? `[${address.address}]` : address.address;
          stopHeartbeat = startHeartbeat(hub);
          resolve({ host: address.address, port: address.port, url: `http://${host}:${address.port}` });
        });
      });
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
