/**
 * A real HTTP server on port 0 that answers as Laravel's /broadcasting/auth and
 * /broadcasting/user-auth do (§B3 of ../shared/reference/pusher-protocol-and-laravel.md): the
 * session cookie names the user; guarded channels need a user (else 403); the channel rules below
 * play routes/channels.php; replies are json_encode'd as PHP does (escaped slashes and unicode)
 * and signed with the app secret. Modes make it misbehave the ways a real one can.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup.js';

export interface FakeUser {
  id: string;
  name: string;
}

export type FakeLaravelMode =
  | 'normal'
  /** Drops every connection without an answer, as a crashed PHP server does. */
  | 'down'
  | 'error-500'
  /** Signs with another secret. */
  | 'forge'
  /** 200 with an HTML page. */
  | 'html'
  /** 200 JSON without "auth". */
  | 'no-auth'
  /** 200 with a body larger than any sane --max-auth-body. */
  | 'huge'
  /** Never answers. */
  | 'hang';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

export interface FakeLaravel {
  authUrl: string;
  userAuthUrl: string;
  mode: FakeLaravelMode;
  /** Simulated PHP time per request, in ms. */
  latencyMs: number;
  requests: RecordedRequest[];
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** json_encode with Laravel's default flags: "/" and non-ASCII escaped. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function sessionUser(headers: IncomingHttpHeaders, users: Record<string, FakeUser>): FakeUser | undefined {
  const match = /(?:^|;\s*)laravel_session=([^;]+)/.exec(headers.cookie ?? '');
  return match ? users[match[1]!] : undefined;
}

/**
 * routes/channels.php: App.Models.User.{id} (Laravel's stock rule) and orders.{id} are their
 * owner's, chat and room-* are for anyone logged in.
 */
function mayJoin(user: FakeUser, channel: string): boolean {
  const name = channel.replace(/^(private-encrypted-|private-|presence-)/, '');
  if (name.startsWith('App.Models.User.')) return name === `App.Models.User.${user.id}`;
  if (name.startsWith('orders.')) return name === `orders.${user.id}`;
  return name === 'chat' || name.startsWith('room-');
}

export interface BroadcastAuthAnswer {
  status: number;
  /** Laravel's JSON (encode with phpJson). */
  body: Record<string, unknown>;
}

/**
 * What Laravel's BroadcastController answers on /broadcasting/auth and /broadcasting/user-auth
 * for `user` (undefined: a guest), signed with `secret`.
 */
export function answerBroadcastAuth(path: string, form: URLSearchParams, user: FakeUser | undefined, key: string, secret: string): BroadcastAuthAnswer {
  const socketId = form.get('socket_id') ?? '';
  const forbidden = { status: 403, body: { message: 'This action is unauthorized.' } };
  if (path === '/broadcasting/user-auth') {
    if (!user) return forbidden;
    const userData = phpJson({ id: user.id, user_info: { name: user.name } });
    return { status: 200, body: { auth: `${key}:${sign(secret, `${socketId}::user::${userData}`)}`, user_data: userData } };
  }
  if (path !== '/broadcasting/auth') return { status: 404, body: { message: 'Not Found' } };
  const channel = form.get('channel_name') ?? '';
  if (!user || !mayJoin(user, channel)) return forbidden;
  if (channel.startsWith('presence-')) {
    const channelData = phpJson({ user_id: user.id, user_info: { id: Number(user.id), name: user.name } });
    return { status: 200, body: { auth: `${key}:${sign(secret, `${socketId}:${channel}:${channelData}`)}`, channel_data: channelData } };
  }
  return { status: 200, body: { auth: `${key}:${sign(secret, `${socketId}:${channel}`)}` } };
}

export async function startFakeLaravel(options: { key: string; secret: string; users: Record<string, FakeUser> }): Promise<FakeLaravel> {
  const state = { inFlight: 0, maxInFlight: 0 };
  let close = async () => {};
  const laravel: FakeLaravel = {
    authUrl: '',
    userAuthUrl: '',
    mode: 'normal',
    latencyMs: 0,
    requests: [],
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () => close(),
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    const text = typeof body === 'string' ? body : phpJson(body);
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json' });
    res.end(text);
  };

  const reply = (path: string, headers: IncomingHttpHeaders, form: URLSearchParams, res: ServerResponse) => {
    const secret = laravel.mode === 'forge' ? 'not-the-secret' : options.secret;
    if (laravel.mode === 'error-500') return answer(res, 500, { message: 'Server Error' });
    if (laravel.mode === 'html') return answer(res, 200, '<!DOCTYPE html><html><body>Login</body></html>');
    if (laravel.mode === 'no-auth') return answer(res, 200, { message: 'ok' });
    if (laravel.mode === 'huge') return answer(res, 200, { auth: 'x'.repeat(100_000) });
    const laravelAnswer = answerBroadcastAuth(path, form, sessionUser(headers, options.users), options.key, secret);
    return answer(res, laravelAnswer.status, laravelAnswer.body);
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      laravel.requests.push({ path, headers: req.headers, form: new URLSearchParams(raw) });
      if (laravel.mode === 'down') {
        req.socket.destroy();
        return;
      }
      if (laravel.mode === 'hang') return;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const finish = () => {
        state.inFlight--;
        reply(path, req.headers, new URLSearchParams(raw), res);
      };
      if (laravel.latencyMs > 0) setTimeout(finish, laravel.latencyMs);
      else finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  onCleanup(close);
  laravel.authUrl = `http://127.0.0.1:${port}/broadcasting/auth`;
  laravel.userAuthUrl = `http://127.0.0.1:${port}/broadcasting/user-auth`;
  return laravel;
}
