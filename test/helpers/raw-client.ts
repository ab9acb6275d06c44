/**
 * A bare `ws` client for what pusher-js cannot express: custom headers, bad frames, floods,
 * paused reads, refused upgrades. It records every server frame and is terminated after the test.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { onCleanup } from './cleanup.js';

export interface ServerFrame {
  event: string;
  channel?: string;
  data?: unknown;
  user_id?: string;
}

export interface RawClientOptions {
  /** Default: what pusher-js 8 sends. */
  query?: string;
  /** Default: /app/{key}. */
  path?: string;
  headers?: Record<string, string>;
  origin?: string;
  /** The local address to connect from (another 127.0.0.x plays another browser). */
  localAddress?: string;
  /** false: do not answer WebSocket pings (a dead peer). */
  autoPong?: boolean;
}

export interface RawClient {
  ws: WebSocket;
  /** Every server frame so far, `data` JSON-decoded where it is a JSON string. */
  frames: ServerFrame[];
  /** Every server frame so far as it came over the wire (`data` not decoded). */
  wireFrames: ServerFrame[];
  /** Resolves with the first frame (already received or future) matching the predicate. */
  next(predicate: (frame: ServerFrame) => boolean): Promise<ServerFrame>;
  nextEvent(event: string, channel?: string): Promise<ServerFrame>;
  /** Resolves once `count` frames of `event` have arrived. */
  waitForCount(event: string, count: number): Promise<void>;
  /** Sends a frame object as JSON, or a string as it is. */
  send(frame: unknown): void;
  subscribe(channel: string, auth?: string, channelData?: string): void;
  /** Resolves with the socket id, or rejects if the socket closes first. */
  socketId(): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
  /** The HTTP answer when the server refused the upgrade. */
  refused: Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>;
}

function decode(frame: ServerFrame): ServerFrame {
  if (typeof frame.data !== 'string') return frame;
  try {
    return { ...frame, data: JSON.parse(frame.data) };
  } catch {
    return frame;
  }
}

export function rawClient(port: number, key: string, options: RawClientOptions = {}): RawClient {
  const query = options.query ?? 'protocol=7&client=js&version=8.6.0&flash=false';
  const path = options.path ?? `/app/${key}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}?${query}`, {
    headers: options.headers ?? {},
    autoPong: options.autoPong ?? true,
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  onCleanup(() => ws.terminate());
  const frames: ServerFrame[] = [];
  const wireFrames: ServerFrame[] = [];
  const waiters: Array<{ predicate: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  ws.on('message', (data) => {
    const wire = JSON.parse(data.toString()) as ServerFrame;
    const frame = decode(wire);
    wireFrames.push(wire);
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
  const refused = new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        ws.terminate(); // as ws does for a refused upgrade when nobody listens: error, then close 1006
      });
    });
  });
  const next = (predicate: (frame: ServerFrame) => boolean) => {
    const seen = frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<ServerFrame>((resolve) => waiters.push({ predicate, resolve }));
  };
  const established = Promise.race([
    next((f) => f.event === 'pusher:connection_established').then((f) => (f.data as { socket_id: string }).socket_id),
    closed.then(({ code }) => Promise.reject(new Error(`closed with ${code} before connection_established`))),
  ]);
  established.catch(() => {});
  const send = (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return {
    ws, frames, wireFrames, next, closed, refused, send,
    nextEvent: (event, channel) => next((f) => f.event === event && (channel === undefined || f.channel === channel)),
    waitForCount(event, count) {
      const reached = () => frames.filter((f) => f.event === event).length >= count;
      return reached() ? Promise.resolve() : next((f) => f.event === event && reached()).then(() => {});
    },
    subscribe: (channel, auth, channelData) => send({
      event: 'pusher:subscribe',
      data: { channel, ...(auth === undefined ? {} : { auth }), ...(channelData === undefined ? {} : { channel_data: channelData }) },
    }),
    socketId: () => established,
  };
}
