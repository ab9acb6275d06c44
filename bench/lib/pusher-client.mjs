// Pusher protocol on top of the raw WebSocket: connection_established, subscribe, then a raw
// per-frame callback for the scenario's hot path. Only the handshake frames are JSON-parsed.
import { openRawWs, indexWithin } from './ws-raw.mjs';

const SUCCEEDED = Buffer.from('subscription_succeeded');
const ERROR = Buffer.from('pusher:error');
const SUB_ERROR = Buffer.from('subscription_error');

export function pusherPath(key) {
  return `/app/${key}?protocol=7&client=js&version=8.6.0&flash=false`;
}

export class PusherConn {
  constructor(onMessage, onClose) {
    this.onMessage = onMessage;
    this.onCloseCb = onClose;
    this.socketId = '';
    this.ws = null;
    this.phase = 0; // 0 connecting, 1 subscribing, 2 ready
    this.waiter = null;
    this.subscribeFrame = null;
    /** scenario state */
    this.data = null;
  }

  /** Subscribe and resolve on pusher_internal:subscription_succeeded. */
  subscribe(channel, auth = '', channelData) {
    const data = channelData === undefined ? { auth, channel } : { auth, channel_data: channelData, channel };
    return this.subscribeRaw(JSON.stringify({ event: 'pusher:subscribe', data }));
  }

  subscribeRaw(frameText) {
    return new Promise((resolve, reject) => {
      this.phase = 1;
      this.waiter = { resolve, reject };
      this.ws.sendText(frameText);
    });
  }

  close() {
    this.ws?.destroy();
  }
}

const handler = {
  onText(ws, buf, start, end) {
    const conn = ws.state;
    if (conn.phase === 2) {
      conn.onMessage?.(conn, buf, start, end);
      return;
    }
    if (conn.phase === 0) {
      let msg;
      try {
        msg = JSON.parse(buf.toString('utf8', start, end));
      } catch (err) {
        ws.fail(new Error(`first frame is not JSON: ${err.message}`));
        return;
      }
      if (msg.event !== 'pusher:connection_established') {
        ws.fail(new Error(`expected pusher:connection_established, got ${buf.toString('utf8', start, Math.min(end, start + 200))}`));
        return;
      }
      const data = typeof msg.data === 'string' ? JSON.parse(msg.data) : msg.data;
      conn.socketId = data.socket_id;
      conn.phase = 2;
      const w = conn.waiter;
      conn.waiter = null;
      w?.resolve(conn);
      return;
    }
    // phase 1: waiting for the subscription answer
    if (indexWithin(buf, SUCCEEDED, start, end) !== -1) {
      conn.phase = 2;
      const w = conn.waiter;
      conn.waiter = null;
      w?.resolve(conn);
      // Presence scenarios want the member list frame too.
      conn.onMessage?.(conn, buf, start, end);
    } else if (indexWithin(buf, ERROR, start, end) !== -1 || indexWithin(buf, SUB_ERROR, start, end) !== -1) {
      const w = conn.waiter;
      conn.waiter = null;
      w?.reject(new Error(`subscribe failed: ${buf.toString('utf8', start, Math.min(end, start + 300))}`));
    } else {
      conn.onMessage?.(conn, buf, start, end);
    }
  },
  onClose(ws, error, code) {
    const conn = ws.state;
    const w = conn.waiter;
    conn.waiter = null;
    w?.reject(error ?? new Error(`closed (${code})`));
    conn.onCloseCb?.(conn, error, code);
  },
};

/**
 * Open a Pusher connection; resolves once pusher:connection_established has arrived.
 * @param {{port: number, key: string, onMessage?: Function, onClose?: Function, timeoutMs?: number}} o
 * @returns {Promise<PusherConn>}
 */
export function connectPusher({ port, key, onMessage, onClose, timeoutMs = 20_000 }) {
  const conn = new PusherConn(onMessage, onClose);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      conn.waiter = null;
      conn.close();
      reject(new Error('timed out waiting for connection_established'));
    }, timeoutMs);
    conn.waiter = {
      resolve: (c) => {
        clearTimeout(timer);
        resolve(c);
      },
      reject: (e) => {
        clearTimeout(timer);
        reject(e);
      },
    };
    conn.ws = openRawWs({ port, path: pusherPath(key), handler });
    conn.ws.state = conn;
  });
}

/**
 * Run `task(i)` for i in [0, total) with at most `concurrency` in flight.
 * @returns {Promise<{ok: number, failed: number, firstError: string | null}>}
 */
export async function runPool(total, concurrency, task) {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError = null;
  async function worker() {
    while (next < total) {
      const i = next++;
      try {
        await task(i);
        ok++;
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { ok, failed, firstError };
}
