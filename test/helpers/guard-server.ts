/**
 * A real sidecar on port 0 for the guard and auth tests: config built from the schema defaults
 * with overrides, rejections recorded, logs captured as JSON lines (through the production logger,
 * so its redaction applies), and closed in afterEach.
 */
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import type { App } from '../../src/apps/app.js';
import type { AuthForwarder } from '../../src/auth/auth-forwarder.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { RejectionInfo, ServerObserver } from '../../src/observers.js';
import { createSidecar, type Sidecar } from '../../src/server.js';

export const APP: App = {
  id: 'app-id', key: 'app-key', secret: 'app-secret', enabled: true,
  enableClientMessages: false, maxConnections: 0, webhooks: [],
};

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock the test moves by hand; starts at the real time so signed API requests stay valid. */
export function createFakeClock(start = Date.now()): FakeClock {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

export interface GuardServerOptions {
  config?: Partial<Config>;
  apps?: App[];
  /** A forwarder, or a factory given the server's logger (so its lines are captured too). */
  authForwarder?: AuthForwarder | ((logger: Logger) => AuthForwarder);
  now?: () => number;
  observers?: ServerObserver[];
  /** Log level for the captured logs; default 'silent'. */
  logLevel?: string;
}

export interface GuardServer {
  sidecar: Sidecar;
  config: Config;
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** ws://127.0.0.1:port/app/{key} */
  wsUrl(key?: string): string;
  rejections: RejectionInfo[];
  /** Resolves with the first rejection (past or future) whose reason is `id`. */
  waitForRejection(id: string): Promise<RejectionInfo>;
  /** Captured log lines, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Captured log output as written. */
  logText(): string;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  const pending = cleanups.splice(0);
  await Promise.all(pending.reverse().map((fn) => fn()));
});

/** Runs `fn` after the current test (servers, clients, fake Laravel). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(async () => {
    await fn();
  });
}

export async function startGuardServer(options: GuardServerOptions = {}): Promise<GuardServer> {
  const config: Config = { ...defaultConfig(), host: '127.0.0.1', port: 0, shutdownTimeout: 1, ...options.config };
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger: Logger = createLogger({ level: options.logLevel ?? 'silent', format: 'json', destination });
  const rejections: RejectionInfo[] = [];
  const rejectionWaiters: Array<{ id: string; resolve: (info: RejectionInfo) => void }> = [];
  const recordRejection = (info: RejectionInfo) => {
    rejections.push(info);
    for (const waiter of [...rejectionWaiters]) {
      if (waiter.id !== info.entry.id) continue;
      rejectionWaiters.splice(rejectionWaiters.indexOf(waiter), 1);
      waiter.resolve(info);
    }
  };
  const authForwarder = typeof options.authForwarder === 'function' ? options.authForwarder(logger) : options.authForwarder;
  if (authForwarder?.close) onCleanup(() => authForwarder.close!());
  const sidecar = createSidecar({
    loaded: { config, apps: options.apps ?? [APP] },
    logger,
    observers: [{ rejected: recordRejection }, ...(options.observers ?? [])],
    ...(authForwarder ? { authForwarder } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const address = await sidecar.listen();
  onCleanup(() => sidecar.close());
  const logText = () => chunks.join('');
  return {
    sidecar, config, port: address.port, url: address.url,
    wsUrl: (key = APP.key) => `ws://127.0.0.1:${address.port}/app/${key}?protocol=7&client=js&version=8.6.0`,
    rejections,
    waitForRejection(id) {
      const seen = rejections.find((r) => r.entry.id === id);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => rejectionWaiters.push({ id, resolve }));
    },
    get logs() {
      return logText().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText,
  };
}
