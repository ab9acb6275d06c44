import type { App } from './apps/app.js';
import type { CodeEntry } from './protocol/codes.js';

export interface RejectionInfo {
  entry: CodeEntry;
  detail: string;
  appId?: string;
  ip?: string;
  /** Set for subscription rejections. */
  channel?: string;
  /** Set for HTTP API refusals: the route name (events, channels, not_found...). */
  route?: string;
  /** Set when an accepted connection was refused something (a subscription, a client event). */
  socketId?: string;
}

/**
 * One thing a person watching the debug console wants to see, with who did it. Emitted only while
 * `Observers.tracing` is true (a console is open): callers check that flag before building one, so
 * with no console the hot paths allocate nothing. Carry ids and names only, never an App (its
 * secret) or a Connection (its handshake headers, cookies included).
 */
export type TraceEvent =
  | { kind: 'connection_opened'; appId: string; socketId: string; ip: string }
  | { kind: 'connection_closed'; appId: string; socketId: string; ip: string; code: number }
  | { kind: 'subscribed'; appId: string; socketId: string; ip: string; channel: string }
  | { kind: 'unsubscribed'; appId: string; socketId: string; ip: string; channel: string }
  | { kind: 'signed_in'; appId: string; socketId: string; ip: string; userId: string }
  /** An auth request forwarded to Laravel: HTTP-like status (200 ok) and latency. */
  | { kind: 'auth_forward'; appId: string; socketId: string; ip: string; channel?: string; status: number; ms: number }
  /** An HTTP API (or console) publish; `data` is the raw event data, truncated by the console. */
  /** An HTTP API request answered 4xx/5xx (a wrong secret on the Laravel side shows up here). */
  | { kind: 'api_refused'; route: string; status: number; error: string; ip: string }
  | { kind: 'api_publish'; appId: string; channels: readonly string[]; event: string; data: string; bytes: number; exceptSocketId?: string; recipients: number };

/**
 * What happens inside the server, for metrics, webhooks and logs. Every method is optional; the
 * hot-path ones (messagesOut, broadcastDelivered) are called once per broadcast, not per socket.
 */
export interface ServerObserver {
  connectionOpened?(app: App): void;
  connectionClosed?(app: App, code: number): void;
  rejected?(info: RejectionInfo): void;
  channelOccupied?(app: App, channel: string): void;
  channelVacated?(app: App, channel: string): void;
  subscriptionCount?(app: App, channel: string, count: number): void;
  memberAdded?(app: App, channel: string, userId: string): void;
  memberRemoved?(app: App, channel: string, userId: string): void;
  clientEvent?(app: App, channel: string, event: string, data: string, socketId: string, userId?: string): void;
  cacheMiss?(app: App, channel: string): void;
  messageIn?(app: App, bytes: number): void;
  messagesOut?(app: App, count: number, bytes: number): void;
  broadcastDelivered?(app: App, recipients: number, seconds: number): void;
  apiRequest?(route: string, status: number, seconds: number): void;
  /**
   * One auth request forwarded to Laravel (--auth-url / --user-auth-url) and how it ended:
   * `ok`, `forbidden` (401/403), `error` (5xx, bad reply), `timeout`, `unavailable` (breaker open,
   * queue full). Keep the set small: it is a metrics label.
   */
  authForwarded?(outcome: string, seconds: number): void;
  /** A cluster (Redis) operation failed, or the connection to Redis dropped ("disconnect"). */
  clusterError?(operation: string): void;
  /** This node re-registered its sockets in Redis (after a reconnect or a lapsed lease). */
  clusterResynced?(): void;
  /** Debug-console events; see TraceEvent. */
  trace?(event: TraceEvent): void;
  /** Awaited on shutdown (e.g. flush pending webhooks). */
  close?(): Promise<void>;
}

type Method = Exclude<keyof ServerObserver, 'close'>;

/** Fans observer calls out to every registered observer; one failing observer never breaks the server. */
export class Observers {
  /** Per method, the observers that implement it: an emit nobody listens to costs one lookup. */
  readonly #byMethod = new Map<Method, ServerObserver[]>();
  readonly #list: ServerObserver[] = [];
  /**
   * True while someone listens to `trace` (a debug console is open). A plain field, so the hot
   * paths pay one property read when it is false.
   */
  tracing = false;
  #onError: (err: unknown, method: string) => void = () => {};

  add(observer: ServerObserver): void {
    this.#list.push(observer);
    for (const method of methodsOf(observer)) {
      const list = this.#byMethod.get(method);
      if (list) list.push(observer);
      else this.#byMethod.set(method, [observer]);
    }
  }

  /** Whether any observer implements `method`: hot paths skip measuring what nobody reads. */
  wants(method: Method): boolean {
    return this.#byMethod.has(method);
  }

  onError(handler: (err: unknown, method: string) => void): void {
    this.#onError = handler;
  }

  emit<M extends Method>(method: M, ...args: Parameters<NonNullable<ServerObserver[M]>>): void {
    const list = this.#byMethod.get(method);
    if (!list) return;
    for (const observer of list) {
      try {
        (observer[method] as (...a: unknown[]) => void).apply(observer, args);
      } catch (err) {
        this.#onError(err, method);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#list.map((o) => o.close?.()));
  }
}

/** The observer methods an object implements, own or inherited (metrics and webhooks are classes). */
function methodsOf(observer: ServerObserver): Method[] {
  const methods = new Set<string>();
  for (let proto: object | null = observer; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      // Accessors are not read: a getter is not an observer method, and reading one could do work.
      if (name !== 'constructor' && name !== 'close' && typeof descriptor.value === 'function') methods.add(name);
    }
  }
  return [...methods] as Method[];
}
