/**
 * pusher-js in Node, as a browser would run it, closed after the test. A browser sends its cookies
 * on the WebSocket handshake by itself; pusher-js in Node cannot, so a client given `headers` gets
 * a wsPath prefix of its own and the runtime's WebSocket factory adds those headers to its handshake.
 */
import PusherJs, { type Options } from 'pusher-js';
import type { App } from '../../src/apps/app.js';
import { onCleanup } from './cleanup.js';
import { channelAuth } from './signing.js';

// pusher-js is CommonJS whose typings declare an ES default export; at runtime the import is the class.
const Pusher = PusherJs as unknown as typeof PusherJs.default;
export type PusherClient = InstanceType<typeof Pusher>;

export interface PusherClientOptions extends Partial<Options> {
  /** Sent on the WebSocket handshake, as a browser sends its cookies, Origin and User-Agent. */
  headers?: Record<string, string>;
}

type FayeClient = new (url: string, protocols: string[], options: { headers: Record<string, string> }) => unknown;

const runtime = (Pusher as unknown as { Runtime: { createWebSocket(url: string): unknown; getWebSocketAPI(): FayeClient } }).Runtime;
const headersByPath = new Map<string, Record<string, string>>();
let nextId = 0;
let installed = false;

function sendHeadersByPath(): void {
  if (installed) return;
  installed = true;
  const Client = runtime.getWebSocketAPI();
  runtime.createWebSocket = (url: string) => {
    const path = new URL(url).pathname;
    const prefix = [...headersByPath.keys()].find((p) => path.startsWith(`${p}/`));
    return new Client(url, [], { headers: prefix ? headersByPath.get(prefix)! : {} });
  };
}

/** A pusher-js client (Node build) against the test server, ws transport only. */
export function pusherClient(port: number, key: string, options: PusherClientOptions = {}): PusherClient {
  const { headers, ...rest } = options;
  let wsPath: string | undefined;
  if (headers) {
    sendHeadersByPath();
    wsPath = `/client-${nextId++}`;
    headersByPath.set(wsPath, headers);
  }
  const client = new Pusher(key, {
    cluster: 'local', wsHost: '127.0.0.1', wsPort: port, forceTLS: false, enabledTransports: ['ws'],
    ...(wsPath ? { wsPath } : {}),
    ...rest,
  } as Options);
  onCleanup(() => {
    client.disconnect();
    if (wsPath) headersByPath.delete(wsPath);
  });
  return client;
}

/** Options that make the sidecar authorize (--auth-url): empty auth for channels and sign-in, as Echo sends. */
export const SIDECAR_AUTH_OPTIONS: Pick<Options, 'channelAuthorization' | 'userAuthentication'> = {
  channelAuthorization: {
    customHandler: ({ channelName }, callback) =>
      callback(null, channelName.startsWith('presence-') ? { auth: '', channel_data: '{}' } : { auth: '' }),
  },
  userAuthentication: {
    customHandler: (_params, callback) => callback(null, { auth: '', user_data: '' }),
  },
};

/** pusher-js with private/presence channels authorized in-process as Laravel would (as `user`). */
export function authorizedClient(port: number, app: App, user?: { id: string; info?: unknown }): PusherClient {
  return pusherClient(port, app.key, {
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: (params, callback) => {
        const channelData = params.channelName.startsWith('presence-') && user
          ? JSON.stringify({ user_id: user.id, user_info: user.info ?? {} })
          : undefined;
        const auth = channelAuth(app.key, app.secret, params.socketId, params.channelName, channelData);
        callback(null, channelData === undefined ? { auth } : { auth, channel_data: channelData });
      },
    },
  });
}
