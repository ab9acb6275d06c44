import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { signApiRequest } from '../auth/api-signature.js';
import { CODES, findCodes } from '../protocol/codes.js';
import { fail, pass, type CheckResult } from './check-result.js';
import type { AppCredentials } from './env-checks.js';
import { errorMessage, explainNetworkCode, probe } from './http-probe.js';
import { prefixOf, type Driver } from './laravel-env.js';
import type { OriginRefusal } from './origin-explain.js';

interface Frame {
  event?: unknown;
  channel?: unknown;
  data?: unknown;
}

/** A doctor's WebSocket: frames kept, waited on with a deadline. */
export class DoctorSocket {
  readonly #frames: Frame[] = [];
  #waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket, readonly socketId: string) {
    ws.on('message', (data) => this.push(data.toString()));
  }

  push(text: string): void {
    try {
      this.#frames.push(JSON.parse(text) as Frame);
    } catch {
      return;
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** The first frame matching, or undefined after `timeoutMs`. */
  next(predicate: (frame: Frame) => boolean, timeoutMs: number): Promise<Frame | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const attempt = () => {
        const frame = this.#frames.find(predicate);
        if (frame) {
          clearTimeout(timer);
          resolve(frame);
        } else {
          this.#waiters.push(attempt);
        }
      };
      attempt();
    });
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): void {
    this.ws.terminate();
  }
}

export type SocketOutcome =
  | { kind: 'established'; socket: DoctorSocket }
  | { kind: 'closed'; code: number; message: string | undefined }
  | { kind: 'http'; status: number; error: string | undefined }
  | { kind: 'error'; code: string; reason: string }
  | { kind: 'timeout' };

function parseData(frame: Frame): Record<string, unknown> {
  try {
    const data = typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
    return typeof data === 'object' && data !== null ? data as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** Opens a Pusher WebSocket and waits for connection_established, or says why there was none. */
export function openDoctorSocket(socketUrl: string, origin: string | undefined, timeoutMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(socketUrl, { headers: origin === undefined ? {} : { origin }, handshakeTimeout: timeoutMs });
    let settled = false;
    let pusherError: string | undefined;
    const early: string[] = [];
    const done = (outcome: SocketOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome.kind !== 'established') ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ kind: 'http', status: res.statusCode ?? 0, error: errorMessage(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', () => done({ kind: 'http', status: res.statusCode ?? 0, error: undefined }));
    });
    ws.on('error', (err: Error & { code?: string }) => {
      const code = err.code ?? 'ERROR';
      done({ kind: 'error', code, reason: explainNetworkCode(code, err.message) });
    });
    ws.on('message', (data) => {
      const text = data.toString();
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        return;
      }
      if (frame.event === 'pusher:connection_established') {
        ws.removeAllListeners('message');
        const socket = new DoctorSocket(ws, String(parseData(frame).socket_id ?? ''));
        for (const line of early) socket.push(line);
        done({ kind: 'established', socket });
      } else if (frame.event === 'pusher:error') {
        const message = parseData(frame).message;
        pusherError = typeof message === 'string' ? message : undefined;
      } else {
        early.push(text);
      }
    });
    ws.on('close', (code) => done({ kind: 'closed', code, message: pusherError }));
  });
}

/** What checkWebSocket needs to turn a refusal into a fix that points the right way. */
export interface WebSocketHints {
  /** The .env key holding the browser's host (VITE_REVERB_HOST / VITE_PUSHER_HOST). */
  viteHostKey: string;
  /** Why the sidecar refused this page's Origin (4009), by its rule. */
  explainOrigin(): OriginRefusal;
}

/**
 * Opens a WebSocket the way the browser does: to the VITE_ address, with the page's Origin, so
 * the proxy route, TLS, the origin check and the app key are all exercised.
 */
export async function checkWebSocket(socketUrl: string, origin: string, timeoutMs: number, hints?: WebSocketHints): Promise<{ result: CheckResult; socket?: DoctorSocket }> {
  const shown = socketUrl.replace(/\?.*$/, '');
  const outcome = await openDoctorSocket(socketUrl, origin, timeoutMs);
  switch (outcome.kind) {
    case 'established':
      return { result: pass('websocket', `${shown} with Origin ${origin} reached pusher:connection_established`), socket: outcome.socket };
    case 'closed': {
      const entry = findCodes(outcome.code).find((e) => e.kind === 'close');
      const detail = `${shown} closed with ${outcome.code}${entry ? ` (${entry.message})` : ''}${outcome.message ? `: ${outcome.message}` : ''}`;
      if (entry === CODES.originNotAllowed && hints) {
        const why = hints.explainOrigin();
        return { result: fail('websocket', `${detail}; ${why.detail}`, why.fix) };
      }
      return { result: fail('websocket', detail, entry?.fix ?? 'see the sidecar logs for why it closed the connection') };
    }
    case 'http': {
      const from = outcome.error ? `: ${outcome.error}` : '';
      if (outcome.status === 404) {
        return { result: fail('websocket', `${shown} answered HTTP 404${from}: the public URL does not send /app/* to the sidecar`, 'import pusher-sidecar.caddy in the site block of your Caddyfile and reload Caddy (the snippet routes /app/* to the sidecar)') };
      }
      if (outcome.status === 502 || outcome.status === 503 || outcome.status === 504) {
        return { result: fail('websocket', `${shown} answered HTTP ${outcome.status}${from}: the proxy cannot reach the sidecar`, 'start the sidecar, and check the upstream in pusher-sidecar.caddy matches its --host/--port') };
      }
      if (outcome.status >= 200 && outcome.status < 400 && hints) {
        // A page instead of an upgrade: a web server answered, but not one that routes /app/* to the sidecar.
        const socketHost = new URL(socketUrl).hostname;
        const pageHost = new URL(origin).hostname;
        if (socketHost !== pageHost) {
          return { result: fail('websocket', `${shown} answered HTTP ${outcome.status}${from} instead of upgrading: ${hints.viteHostKey}=${socketHost} is not the site the pages come from (${pageHost}), whose Caddyfile imports pusher-sidecar.caddy`,
            `set ${hints.viteHostKey}=${pageHost} in .env (the host of APP_URL), then npm run build`) };
        }
        return { result: fail('websocket', `${shown} answered HTTP ${outcome.status}${from} instead of upgrading: ${socketHost} serves pages at /app/* instead of passing them to the sidecar`,
          `import pusher-sidecar.caddy in the site block for ${socketHost} (before php_server or any catch-all route) and reload Caddy`) };
      }
      const entry = findCodes(outcome.status).find((e) => e.kind === 'http');
      return { result: fail('websocket', `${shown} answered HTTP ${outcome.status}${from} instead of upgrading`, entry?.fix ?? 'the proxy must pass WebSocket upgrades for /app/* to the sidecar') };
    }
    case 'error':
      return { result: fail('websocket', `${shown}: ${outcome.reason}`, 'check VITE_ host/port/scheme point at the public address served by Caddy, then npm run build') };
    case 'timeout':
      return { result: fail('websocket', `${shown}: no pusher:connection_established within ${timeoutMs} ms`, 'check the proxy passes WebSocket upgrades for /app/* to the sidecar') };
  }
}

/**
 * Subscribes that socket to a fresh public channel, publishes to it through the address Laravel
 * uses, and waits for the event: proves both addresses reach the same server and app.
 */
export async function checkRoundTrip(
  socket: DoctorSocket, serverUrl: string, app: AppCredentials, driver: Driver, timeoutMs: number, now: () => number,
): Promise<CheckResult> {
  const p = prefixOf(driver);
  const channel = `pusher-sidecar-doctor-${randomBytes(6).toString('hex')}`;
  const event = 'pusher-sidecar.doctor';
  socket.send({ event: 'pusher:subscribe', data: { auth: '', channel } });
  const subscribed = await socket.next((f) => (f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel) || f.event === 'pusher:error', timeoutMs);
  if (subscribed?.event !== 'pusher_internal:subscription_succeeded') {
    const why = subscribed ? String(parseData(subscribed).message ?? 'pusher:error') : `no answer within ${timeoutMs} ms`;
    return fail('round-trip', `subscribing to ${channel} failed: ${why}`, 'see the sidecar logs');
  }
  const path = `/apps/${encodeURIComponent(app.id)}/events`;
  const body = JSON.stringify({ name: event, channels: [channel], data: JSON.stringify({ from: 'pusher-sidecar doctor' }) });
  const query = signApiRequest({ method: 'POST', path, key: app.key, secret: app.secret, nowSeconds: Math.floor(now() / 1000), body });
  const reply = await probe(`${serverUrl}${path}?${query}`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, timeoutMs });
  if (!reply.ok || reply.status !== 200) {
    const why = reply.ok ? `HTTP ${reply.status}${errorMessage(reply.body) ? `: ${errorMessage(reply.body)}` : ''}` : reply.reason;
    return fail('round-trip', `publishing a test event through ${serverUrl} failed (${why})`, 'see the signed API check above');
  }
  const arrived = await socket.next((f) => f.event === event && f.channel === channel, timeoutMs);
  if (!arrived) {
    return fail('round-trip', `the test event was accepted by ${serverUrl} but never reached the browser connection`,
      `${p}HOST/${p}PORT (where Laravel publishes) and the public URL (where browsers connect) reach different servers or apps: point both at the same sidecar`);
  }
  return pass('round-trip', `an event published through ${serverUrl} came back on public channel ${channel}`);
}
