import Pusher from 'pusher';
import type { App } from '../../src/apps/app.js';
import type { AuthForwarder } from '../../src/auth/auth-forwarder.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { ServerObserver } from '../../src/observers.js';
import { createSidecar, type Sidecar } from '../../src/server.js';

export const TEST_APP: App = {
  id: 'test-app', key: 'test-key', secret: 'test-secret', enabled: true,
  enableClientMessages: true, maxConnections: 0, webhooks: [],
};

export interface StartOptions {
  apps?: App[];
  observers?: ServerObserver[];
  authForwarder?: AuthForwarder;
  now?: () => number;
  logger?: Logger;
}

export interface TestSidecar {
  sidecar: Sidecar;
  port: number;
  url: string;
  app: App;
  config: Config;
  /** The `pusher` Node SDK pointed at this server, as Laravel's PHP SDK would be. */
  api(app?: App): Pusher;
  close(): Promise<void>;
}

const running = new Set<TestSidecar>();

/** Starts a real server on 127.0.0.1:0 with test-sized limits. Stop it with `stopAll()` in afterEach. */
export async function startSidecar(overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<TestSidecar> {
  const config: Config = { ...defaultConfig(), host: '127.0.0.1', port: 0, metricsPort: 0, handshakeRate: 0, shutdownTimeout: 2, ...overrides };
  const apps = options.apps ?? [TEST_APP];
  const sidecar = createSidecar({
    loaded: { config, apps },
    logger: options.logger ?? createLogger({ level: 'silent', format: 'json' }),
    ...(options.observers ? { observers: options.observers } : {}),
    ...(options.authForwarder ? { authForwarder: options.authForwarder } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const address = await sidecar.listen();
  const handle: TestSidecar = {
    sidecar, config, port: address.port, url: address.url, app: apps[0]!,
    api: (app = apps[0]!) => new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(address.port), useTLS: false }),
    close: async () => {
      running.delete(handle);
      await sidecar.close();
    },
  };
  running.add(handle);
  return handle;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.close()));
}
