import PusherJs from 'pusher-js';
import { WebSocket } from 'ws';

// pusher-js is CommonJS whose typings declare an ES default export; at runtime the import is the class.
export const Pusher = PusherJs as unknown as typeof PusherJs.default;
export type PusherClient = InstanceType<typeof Pusher>;
export type PusherOptions = ConstructorParameters<typeof Pusher>[1];

const clients = new Set<PusherClient>();
const raws = new Set<WebSocket>();

/** A pusher-js client (Node build) against the test server, ws transport only. */
export function pusherClient(port: number, key: string, options: Partial<PusherOptions> = {}): PusherClient {
  const client = new Pusher(key, {
    cluster: 'local', wsHost: '127.0.0.1', wsPort: port, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true,
    ...options,
  } as PusherOptions);
  clients.add(client);
  return client;
}

export function connected(client: PusherClient): Promise<string> {
  return new Promise((resolve, reject) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id);
    client.connection.bind('connected', () => resolve(client.connection.socket_id));
    client.connection.bind('failed', () => reject(new Error('pusher-js connection failed')));
  });
}

/** Resolves with the first emission of `event` on the emitter (pusher-js channel or connection). */
export function nextEvent<T = unknown>(emitter: { bind(event: string, cb: (...args: never[]) => void): unknown; unbind(event: string, cb: (...args: never[]) => void): unknown }, event: string): Promise<T[]> {
  return new Promise((resolve) => {
    const handler = (...args: never[]) => {
      emitter.unbind(event, handler);
      resolve(args as unknown as T[]);
    };
    emitter.bind(event, handler);
  });
}

export interface ServerFrame {
  event: string;
  channel?: string;
  data?: unknown;
  user_id?: string;
}

export interface RawClient {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Resolves with the first frame (already received or future) matching the predicate. */
  next(predicate: (frame: ServerFrame) => boolean): Promise<ServerFrame>;
  nextEvent(event: string, channel?: string): Promise<ServerFrame>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  socketId(): Promise<string>;
}

function decode(frame: ServerFrame): ServerFrame {
  if (typeof frame.data === 'string') {
    try {
      return { ...frame, data: JSON.parse(frame.data) };
    } catch {
      return frame;
    }
  }
  return frame;
}

/** A bare ws client that records every server frame (data decoded), for cases pusher-js can't express. */
export interface RawClientOptions {
  query?: string;
  headers?: Record<string, string>;
  /** false: do not answer WebSocket pings (a dead peer). */
  autoPong?: boolean;
  path?: string;
}

export function rawClient(port: number, key: string, options: RawClientOptions = {}): RawClient {
  const query = options.query ?? 'protocol=7&client=js&version=8.6.0&flash=false';
  const path = options.path ?? `/app/${key}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}?${query}`, { headers: options.headers ?? {}, autoPong: options.autoPong ?? true });
  raws.add(ws);
  const frames: ServerFrame[] = [];
  const waiters: Array<{ predicate: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  ws.on('message', (data) => {
    const frame = decode(JSON.parse(data.toString()) as ServerFrame);
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const next = (predicate: (frame: ServerFrame) => boolean) => {
    const seen = frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<ServerFrame>((resolve) => waiters.push({ predicate, resolve }));
  };
  return {
    ws, frames, next, closed,
    nextEvent: (event, channel) => next((f) => f.event === event && (channel === undefined || f.channel === channel)),
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    socketId: async () => ((await next((f) => f.event === 'pusher:connection_established')).data as { socket_id: string }).socket_id,
  };
}

export function disconnectAll(): void {
  for (const client of clients) client.disconnect();
  clients.clear();
  for (const ws of raws) ws.terminate();
  raws.clear();
}
