/**
 * pusher-js in Node, as a browser would run it. A browser sends its cookies on the WebSocket
 * handshake by itself; pusher-js in Node cannot, so each client gets a wsPath prefix and the
 * runtime's WebSocket factory adds that client's headers to the handshake.
 */
import PusherModule, { type Options } from 'pusher-js';
import { onCleanup } from './guard-server.js';

// pusher-js's typings describe an ES module whose default export is the class; at runtime Node
// hands ESM the CommonJS module.exports, which is the class itself.
type PusherClass = typeof import('pusher-js').default;
export type Pusher = InstanceType<PusherClass>;
const Pusher = PusherModule as unknown as PusherClass;

type FayeClient = new (url: string, protocols: string[], options: { headers: Record<string, string> }) => unknown;

const runtime = (Pusher as unknown as { Runtime: { createWebSocket(url: string): unknown; getWebSocketAPI(): FayeClient } }).Runtime;
const headersByPath = new Map<string, Record<string, string>>();
let nextId = 0;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const Client = runtime.getWebSocketAPI();
  runtime.createWebSocket = (url: string) => {
    const path = new URL(url).pathname;
    const prefix = [...headersByPath.keys()].find((p) => path.startsWith(`${p}/`));
    return new Client(url, [], { headers: prefix ? headersByPath.get(prefix)! : {} });
  };
}

/** The Echo options that make the sidecar authorize: empty auth for channels and sign-in. */
export const SIDECAR_AUTH_OPTIONS: Pick<Options, 'channelAuthorization' | 'userAuthentication'> = {
  channelAuthorization: {
    customHandler: ({ channelName }, callback) =>
      callback(null, channelName.startsWith('presence-') ? { auth: '', channel_data: '{}' } : { auth: '' }),
  },
  userAuthentication: {
    customHandler: (_params, callback) => callback(null, { auth: '', user_data: '' }),
  },
};

export function connectPusher(port: number, options: { headers?: Record<string, string>; key?: string } & Partial<Options> = {}): Pusher {
  install();
  const { headers, key, ...rest } = options;
  const wsPath = `/client-${nextId++}`;
  headersByPath.set(wsPath, headers ?? {});
  const pusher = new Pusher(key ?? 'app-key', {
    cluster: 'x', wsHost: '127.0.0.1', wsPort: port, forceTLS: false, enabledTransports: ['ws'], wsPath,
    ...rest,
  });
  onCleanup(() => {
    pusher.disconnect();
    headersByPath.delete(wsPath);
  });
  return pusher;
}

/** Resolves when the connection reaches `state`. */
export function waitForState(pusher: Pusher, state: string): Promise<void> {
  if (pusher.connection.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const handler = ({ current }: { current: string }) => {
      if (current !== state) return;
      pusher.connection.unbind('state_change', handler);
      resolve();
    };
    pusher.connection.bind('state_change', handler);
  });
}

/** Resolves with the data of the first `event` on the channel. */
export function once<T = unknown>(channel: { bind(event: string, cb: (data: T) => void): unknown; unbind(event: string, cb: (data: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => {
    const handler = (data: T) => {
      channel.unbind(event, handler);
      resolve(data);
    };
    channel.bind(event, handler);
  });
}

/**
 * Resolves with the code and message of the next Pusher error the connection reports (pusher-js
 * wraps a pusher:error received during the handshake in a WebSocketError).
 */
export function nextPusherError(pusher: Pusher): Promise<{ code: number; message: string }> {
  type ErrorEvent = { type: string; data?: { code: number; message: string }; error?: ErrorEvent };
  return new Promise((resolve) => {
    const handler = (event: ErrorEvent) => {
      const data = event.data ?? event.error?.data;
      if (!data) return;
      pusher.connection.unbind('error', handler);
      resolve(data);
    };
    pusher.connection.bind('error', handler);
  });
}
