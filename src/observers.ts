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
}

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
  /** Awaited on shutdown (e.g. flush pending webhooks). */
  close?(): Promise<void>;
}

type Method = Exclude<keyof ServerObserver, 'close'>;

/** Fans observer calls out to every registered observer; one failing observer never breaks the server. */
export class Observers {
  readonly #list: ServerObserver[] = [];
  #onError: (err: unknown, method: string) => void = () => {};

  add(observer: ServerObserver): void {
    this.#list.push(observer);
  }

  onError(handler: (err: unknown, method: string) => void): void {
    this.#onError = handler;
  }

  emit<M extends Method>(method: M, ...args: Parameters<NonNullable<ServerObserver[M]>>): void {
    for (const observer of this.#list) {
      const fn = observer[method] as ((...a: unknown[]) => void) | undefined;
      if (!fn) continue;
      try {
        fn.apply(observer, args);
      } catch (err) {
        this.#onError(err, method);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#list.map((o) => o.close?.()));
  }
}
