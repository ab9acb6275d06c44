import { Writable } from 'node:stream';
import PusherModule from 'pusher-js';
import type { App } from '../../src/apps/app.js';
import { signToken, channelAuthString } from '../../src/auth/signatures.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { ServerObserver } from '../../src/observers.js';
import { createSidecar, type ReadinessCheck, type Sidecar } from '../../src/server.js';

export const TEST_APP: App = {
  id: 'ops-app', key: 'ops-key', secret: 'ops-secret-value', enabled: true,
  enableClientMessages: true, maxConnections: 0, webhooks: [],
};

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...defaultConfig(), host: '127.0.0.1', port: 0, logLevel: 'silent', shutdownTimeout: 5, ...overrides };
}

/** A pino logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', destination });
  return {
    logger,
    lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface RunningSidecar {
  sidecar: Sidecar;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startSidecar(options: {
  apps: App[];
  config?: Partial<Config>;
  observers?: ServerObserver[];
  logger?: Logger;
  readinessChecks?: ReadinessCheck[];
}): Promise<RunningSidecar> {
  const config = testConfig(options.config);
  const sidecar = createSidecar({
    loaded: { config, apps: options.apps },
    logger: options.logger ?? createLogger({ level: 'silent', format: 'json' }),
    observers: options.observers ?? [],
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
  });
  const address = await sidecar.listen();
  return { sidecar, port: address.port, url: address.url, close: () => sidecar.close() };
}

// pusher-js's types declare an ES default export, but its Node build is CommonJS: the default import is the class.
type PusherClass = typeof import('pusher-js').default;
const PusherJs = PusherModule as unknown as PusherClass;
export type PusherClient = InstanceType<PusherClass>;

/** pusher-js as a browser would use it, authorizing private/presence channels with the app secret. */
export function connectClient(port: number, app: App, user?: { id: string; info?: unknown }): PusherClient {
  return new PusherJs(app.key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: (params: { socketId: string; channelName: string }, callback: (error: Error | null, data: { auth: string; channel_data?: string }) => void) => {
        const channelData = params.channelName.startsWith('presence-') && user
          ? JSON.stringify({ user_id: user.id, user_info: user.info ?? {} })
          : undefined;
        const auth = signToken(app.key, app.secret, channelAuthString(params.socketId, params.channelName, channelData));
        callback(null, channelData === undefined ? { auth } : { auth, channel_data: channelData });
      },
    },
  });
}

export function connected(client: PusherClient): Promise<string> {
  return new Promise((resolve) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id);
    client.connection.bind('connected', () => resolve(client.connection.socket_id));
  });
}

export function subscribed(client: PusherClient, name: string) {
  const channel = client.subscribe(name);
  return new Promise<typeof channel>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (err: unknown) => reject(new Error(`subscription to ${name} failed: ${JSON.stringify(err)}`)));
  });
}

/** Resolves once the server has seen the socket go (pusher-js only closes its end). */
export function disconnected(client: PusherClient): Promise<void> {
  return new Promise((resolve) => {
    client.connection.bind('disconnected', () => resolve());
    client.disconnect();
  });
}
