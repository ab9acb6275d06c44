/** A raw `ws` client for what pusher-js cannot express: custom headers, floods, huge frames, paused reads. */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { onCleanup } from './guard-server.js';

export interface Frame {
  event: string;
  channel?: string;
  data?: unknown;
}

export interface RawClient {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the first frame (already received or future) that matches. */
  waitFor(event: string, channel?: string): Promise<Frame>;
  /** Resolves once `count` frames of `event` have arrived. */
  waitForCount(event: string, count: number): Promise<void>;
  /** Parsed `data` of the matching frame. */
  waitForData<T = Record<string, unknown>>(event: string, channel?: string): Promise<T>;
  send(event: string, data: unknown, channel?: string): void;
  subscribe(channel: string, auth?: string, channelData?: string): void;
  closed: Promise<{ code: number; reason: string }>;
  /** The HTTP answer when the server refused the upgrade. */
  refused: Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>;
  /** Resolves with the socket id, or rejects if the socket closes first. */
  established: Promise<string>;
}

function parseData(frame: Frame): unknown {
  return typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
}

export function connectRaw(url: string, options: { headers?: Record<string, string>; origin?: string } = {}): RawClient {
  const ws = new WebSocket(url, { headers: options.headers ?? {}, ...(options.origin ? { origin: options.origin } : {}) });
  onCleanup(() => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
  });
  const frames: Frame[] = [];
  const waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  const counters: Array<{ event: string; count: number; resolve: () => void }> = [];
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    frames.push(frame);
    for (const counter of [...counters]) {
      if (frames.filter((f) => f.event === counter.event).length < counter.count) continue;
      counters.splice(counters.indexOf(counter), 1);
      counter.resolve();
    }
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const refused = new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
  const waitFor = (event: string, channel?: string) => {
    const match = (f: Frame) => f.event === event && (channel === undefined || f.channel === channel);
    const seen = frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Frame>((resolve) => waiters.push({ match, resolve }));
  };
  const established = Promise.race([
    waitFor('pusher:connection_established').then((f) => (parseData(f) as { socket_id: string }).socket_id),
    closed.then(({ code }) => Promise.reject(new Error(`closed with ${code} before connection_established`))),
  ]);
  established.catch(() => undefined);
  const client: RawClient = {
    ws, frames, waitFor, closed, refused, established,
    waitForCount(event, count) {
      if (frames.filter((f) => f.event === event).length >= count) return Promise.resolve();
      return new Promise((resolve) => counters.push({ event, count, resolve }));
    },
    waitForData: async <T>(event: string, channel?: string) => parseData(await waitFor(event, channel)) as T,
    send(event, data, channel) {
      ws.send(JSON.stringify({ event, data, ...(channel === undefined ? {} : { channel }) }));
    },
    subscribe(channel, auth, channelData) {
      client.send('pusher:subscribe', { channel, ...(auth === undefined ? {} : { auth }), ...(channelData === undefined ? {} : { channel_data: channelData }) });
    },
  };
  return client;
}
