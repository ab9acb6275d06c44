/**
 * A real sidecar with its debug console on a metrics listener, both on 127.0.0.1:0, wired as
 * `serve` wires them (src/operations.ts), plus a reader for the console's event stream.
 */
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { createDebugConsole, type DebugConsole, type DebugConsoleOptions } from '../../src/console/debug-console.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import type { WebhookDispatcherOptions } from '../../src/webhooks/webhook-dispatcher.js';
import { combineWebhookStats } from '../../src/webhooks/webhook-stats.js';
import { onCleanup } from './cleanup.js';
import { silentLogger } from './capture-logger.js';
import { createMetrics, createWebhookDispatcher } from './operations.js';
import { startSidecar, type StartOptions, type TestSidecar } from './start-sidecar.js';

export interface ConsoleSidecar extends TestSidecar {
  console: DebugConsole;
  listener: MetricsServer;
  /** http://127.0.0.1:PORT (the console page is at /). */
  consoleUrl: string;
}

export async function startConsoleSidecar(
  overrides: Partial<Config> = {},
  options: StartOptions & {
    doctor?: DebugConsoleOptions['doctor'];
    webhooks?: Omit<WebhookDispatcherOptions, 'stats'>;
    /** The console's name for this node; default 'node-a', null for what `serve` uses (the cluster's node id). */
    node?: string | null;
  } = {},
): Promise<ConsoleSidecar> {
  const metrics = createMetrics({ version: 'test', defaultMetrics: false });
  const config: Config = { ...defaultConfig(), ...overrides };
  const { doctor, webhooks, node = 'node-a', ...startOptions } = options;
  const debugConsole = createDebugConsole({
    config, logger: silentLogger(), registry: metrics.registry, version: 'test',
    ...(node === null ? {} : { node }),
    ...(doctor ? { doctor } : {}),
  });
  onCleanup(() => debugConsole.close());
  // As src/operations.ts wires them: metrics and the console both hear the webhook dispatcher.
  const dispatcher = webhooks ? createWebhookDispatcher({ ...webhooks, stats: combineWebhookStats([metrics, debugConsole.local]) }) : undefined;
  const server = await startSidecar(overrides, {
    ...startOptions,
    observers: [metrics, debugConsole.local, ...(dispatcher ? [dispatcher] : []), ...(startOptions.observers ?? [])],
  });
  metrics.track({ hub: server.sidecar.hub });
  debugConsole.attach(server.sidecar.hub);
  const listener = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, logger: server.sidecar.logger, routes: debugConsole.handle });
  onCleanup(() => listener.close());
  return Object.assign(server, { console: debugConsole, listener, consoleUrl: listener.origin });
}

export interface StreamEvent {
  name: string;
  data: unknown;
}

export interface ConsoleStream {
  events: StreamEvent[];
  /** Everything received, as text (for "never shown" checks). */
  text(): string;
  /** Resolves with the first log entry (past or future) matching the predicate. */
  entry(predicate: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  nextEvent(name: string): Promise<StreamEvent>;
  close(): void;
}

/** Opens /console/api/stream as the page does (fetch, optional bearer token), parsed as SSE. */
export async function openConsoleStream(baseUrl: string, token?: string): Promise<ConsoleStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/console/api/stream`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`stream refused: ${response.status} ${await response.text()}`);
  const events: StreamEvent[] = [];
  let raw = '';
  const waiters: Array<() => void> = [];
  const notify = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        buffer += text;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data !== undefined) events.push({ name, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
        notify();
      }
    } catch {
      // Aborted by close().
    }
  })();
  const entries = () => events.filter((e) => e.name === 'entries').flatMap((e) => e.data as Array<Record<string, unknown>>);
  const waitFor = <T>(find: () => T | undefined): Promise<T> => new Promise((resolve) => {
    const check = () => {
      const found = find();
      if (found !== undefined) resolve(found);
      else waiters.push(check);
    };
    check();
  });
  const stream: ConsoleStream = {
    events,
    text: () => raw,
    entry: (predicate) => waitFor(() => entries().find(predicate)),
    nextEvent: (name) => {
      const before = events.filter((e) => e.name === name).length;
      return waitFor(() => events.filter((e) => e.name === name)[before]);
    },
    close: () => controller.abort(),
  };
  onCleanup(() => stream.close());
  return stream;
}
