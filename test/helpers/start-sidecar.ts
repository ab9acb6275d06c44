/**
 * A real sidecar on 127.0.0.1:0 for integration tests: config from the schema defaults with
 * test-sized overrides, rejections recorded, logs captured as JSON lines through the production
 * logger (so its redaction applies), and closed after the test (see cleanup.ts).
 */
import Pusher from 'pusher';
import type { App } from '../../src/apps/app.js';
import type { AuthForwarder } from '../../src/auth/auth-forwarder.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { Logger } from '../../src/logging/logger.js';
import type { RejectionInfo, ServerObserver } from '../../src/observers.js';
import { createSidecar, type ReadinessCheck, type Sidecar } from '../../src/server.js';
import { captureLogger } from './capture-logger.js';
import { onCleanup } from './cleanup.js';

/** The app most tests use: client events on. */
export const TEST_APP: App = {
  id: 'test-app', key: 'test-key', secret: 'test-secret', enabled: true,
  enableClientMessages: true, maxConnections: 0, webhooks: [],
};

/** The single app the schema's defaults describe (app-id / app-key / app-secret, client events off), as `serve` runs it. */
export const DEFAULT_APP: App = {
  id: 'app-id', key: 'app-key', secret: 'app-secret', enabled: true,
  enableClientMessages: false, maxConnections: 0, webhooks: [],
};

export interface StartOptions {
  /** Default: [TEST_APP]. */
  apps?: App[];
  observers?: ServerObserver[];
  /** A forwarder, or a factory given the server's logger and config (so its lines are captured too). */
  authForwarder?: AuthForwarder | ((logger: Logger, config: Config) => AuthForwarder);
  readinessChecks?: ReadinessCheck[];
  now?: () => number;
  /** Logs go here instead of being captured. */
  logger?: Logger;
  /** Level of the captured logs; default 'silent'. */
  logLevel?: string;
  /** Names this node in cluster mode (its node id starts with it), as --workers names a worker. */
  nodeName?: string;
}

export interface TestSidecar {
  sidecar: Sidecar;
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** The first app. */
  app: App;
  config: Config;
  /** The `pusher` Node SDK pointed at this server, as Laravel's PHP SDK would be. */
  api(app?: App): Pusher;
  /** Every rejection so far (guards, auth, limits). */
  rejections: RejectionInfo[];
  /** Resolves with the first rejection (past or future) whose reason is `id`. */
  waitForRejection(id: string): Promise<RejectionInfo>;
  /** Captured log lines, parsed (empty when `logger` was given). */
  readonly logs: Array<Record<string, unknown>>;
  /** Captured log output as written. */
  logText(): string;
  close(): Promise<void>;
}

/**
 * Starts a real server with test-sized limits: port 0, no metrics port, and no handshake rate
 * limit (every test client comes from 127.0.0.1; the guard tests turn it on).
 */
export async function startSidecar(overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<TestSidecar> {
  const config: Config = { ...defaultConfig(), host: '127.0.0.1', port: 0, metricsPort: 0, handshakeRate: 0, shutdownTimeout: 2, ...overrides };
  const apps = options.apps ?? [TEST_APP];
  const captured = captureLogger(options.logLevel ?? 'silent');
  const logger = options.logger ?? captured.logger;
  const rejections: RejectionInfo[] = [];
  const waiters: Array<{ id: string; resolve: (info: RejectionInfo) => void }> = [];
  const recordRejection = (info: RejectionInfo) => {
    rejections.push(info);
    for (const waiter of [...waiters]) {
      if (waiter.id !== info.entry.id) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(info);
    }
  };
  const authForwarder = typeof options.authForwarder === 'function' ? options.authForwarder(logger, config) : options.authForwarder;
  if (authForwarder?.close) onCleanup(() => authForwarder.close!());
  const sidecar = createSidecar({
    loaded: { config, apps },
    logger,
    observers: [{ rejected: recordRejection }, ...(options.observers ?? [])],
    ...(authForwarder ? { authForwarder } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.nodeName ? { nodeName: options.nodeName } : {}),
  });
  const address = await sidecar.listen();
  onCleanup(() => sidecar.close());
  return {
    sidecar, config, port: address.port, url: address.url, app: apps[0]!,
    api: (app = apps[0]!) => new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(address.port), useTLS: false }),
    rejections,
    waitForRejection(id) {
      const seen = rejections.find((r) => r.entry.id === id);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ id, resolve }));
    },
    get logs() {
      return captured.lines();
    },
    logText: captured.text,
    close: () => sidecar.close(),
  };
}
