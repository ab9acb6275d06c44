/**
 * A Laravel-shaped web app on port 0, for browser tests behind Caddy. It keeps sessions as the
 * `web` middleware group does: an HttpOnly `laravel_session` cookie (an unknown or destroyed id
 * starts a fresh guest session) and an `XSRF-TOKEN` cookie that is the session's CSRF token,
 * "encrypted" anew on every response as EncryptCookies does (so its value changes each time).
 * POST /login works like Auth::login() + session()->regenerate(): the old session is destroyed,
 * the browser gets a new id and a new CSRF token. /broadcasting/auth and /broadcasting/user-auth
 * answer as Laravel does (answerBroadcastAuth), for the session's user. GET / is the page, and
 * /build/* serves the Vite output, as the web server serves public/build.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { onCleanup } from './cleanup.js';
import { answerBroadcastAuth, phpJson, type FakeUser } from './fake-laravel.js';

export interface FakeLaravelAppOptions {
  key: string;
  secret: string;
  /** Login e-mail → user. */
  users: Record<string, FakeUser>;
  /** Served at /build/ (Vite's outDir). */
  buildDir: string;
  /** The page's module scripts, in order, e.g. ['/build/app.js']. */
  scripts: string[];
  /**
   * Check the CSRF token on /broadcasting/* too, as an app that puts them behind `auth:sanctum`
   * does. Stock Broadcast::routes() skips the check; this is the stricter case.
   */
  csrfOnBroadcastAuth?: boolean;
}

export interface AuthRequestRecord {
  path: string;
  channel: string | null;
  /** Who asked: the browser itself (fetch metadata headers) or the sidecar on its behalf. */
  from: 'browser' | 'sidecar';
  status: number;
}

export interface FakeLaravelApp {
  url: string;
  authUrl: string;
  userAuthUrl: string;
  authRequests: AuthRequestRecord[];
  /** Successful logins, each of which regenerated the session. */
  logins: number;
  /** Pages served (a reload shows up here). */
  pageViews: number;
  close(): Promise<void>;
}

interface Session {
  token: string;
  userId?: string;
}

const random = (bytes: number) => randomBytes(bytes).toString('hex');

/** Laravel's cookie encryption, minus the cryptography: a fresh "iv" per response, the value inside. */
function encryptCookie(value: string): string {
  return Buffer.from(JSON.stringify({ iv: randomBytes(12).toString('base64'), value })).toString('base64');
}

function decryptCookie(payload: string): string | undefined {
  try {
    const { value } = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { value?: unknown };
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const match = new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(req.headers.cookie ?? '');
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** VerifyCsrfToken: X-CSRF-TOKEN first, else the decrypted X-XSRF-TOKEN. */
function hasValidCsrfToken(req: IncomingMessage, session: Session): boolean {
  const plain = req.headers['x-csrf-token'];
  const encrypted = req.headers['x-xsrf-token'];
  const token = typeof plain === 'string' ? plain : typeof encrypted === 'string' ? decryptCookie(encrypted) : undefined;
  return token === session.token;
}

export async function startFakeLaravelApp(options: FakeLaravelAppOptions): Promise<FakeLaravelApp> {
  const sessions = new Map<string, Session>();
  const usersById = new Map(Object.values(options.users).map((user) => [user.id, user]));
  let close = async () => {};
  const app: FakeLaravelApp = {
    url: '', authUrl: '', userAuthUrl: '', authRequests: [], logins: 0, pageViews: 0,
    close: () => close(),
  };

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path.startsWith('/build/')) {
      const file = normalize(join(options.buildDir, path.slice('/build/'.length)));
      if (!file.startsWith(options.buildDir)) return void res.writeHead(404).end();
      try {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
      return;
    }

    // Only routes run the `web` group; anything else (a browser's /favicon.ico) is a plain 404
    // that must not start a session and overwrite the page's cookie.
    const isRoute = (req.method === 'GET' && path === '/') || (req.method === 'POST' && (path === '/login' || path.startsWith('/broadcasting/')));
    if (!isRoute) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');

    // StartSession: an id with no live session starts a new guest session.
    let sessionId = readCookie(req, 'laravel_session') ?? '';
    let session: Session = sessions.get(sessionId) ?? { token: random(20) };
    if (!sessions.has(sessionId)) {
      sessionId = random(20);
      sessions.set(sessionId, session);
    }
    const reply = (status: number, type: string, text: string) => {
      res.setHeader('set-cookie', [
        `laravel_session=${sessionId}; Path=/; HttpOnly; SameSite=Lax`,
        `XSRF-TOKEN=${encodeURIComponent(encryptCookie(session.token))}; Path=/; SameSite=Lax`,
      ]);
      res.writeHead(status, { 'content-type': type }).end(text);
    };
    const json = (status: number, value: unknown) => reply(status, 'application/json', phpJson(value));

    if (req.method === 'GET' && path === '/') {
      app.pageViews++;
      const scripts = options.scripts.map((src) => `<script type="module" src="${src}"></script>`).join('\n');
      return reply(200, 'text/html; charset=utf-8', `<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="csrf-token" content="${session.token}"><title>Laravel</title>
${scripts}</head><body><div id="app"></div></body></html>`);
    }

    if (req.method === 'POST' && path === '/login') {
      if (!hasValidCsrfToken(req, session)) return json(419, { message: 'CSRF token mismatch.' });
      let email: unknown;
      try {
        email = (JSON.parse(body) as { email?: unknown }).email;
      } catch {
        email = undefined;
      }
      const user = typeof email === 'string' ? options.users[email] : undefined;
      if (!user) return json(422, { message: 'These credentials do not match our records.' });
      // Auth::login() migrates the session (destroying the old one); regenerate() renews the token.
      sessions.delete(sessionId);
      sessionId = random(20);
      session = { token: random(20), userId: user.id };
      sessions.set(sessionId, session);
      app.logins++;
      return json(200, { id: Number(user.id), name: user.name });
    }

    if (req.method === 'POST' && path.startsWith('/broadcasting/')) {
      const form = new URLSearchParams(body);
      const record = (status: number) => app.authRequests.push({
        path, channel: form.get('channel_name'), status,
        from: req.headers['sec-fetch-mode'] === undefined ? 'sidecar' : 'browser',
      });
      if (options.csrfOnBroadcastAuth && !hasValidCsrfToken(req, session)) {
        record(419);
        return json(419, { message: 'CSRF token mismatch.' });
      }
      const user = session.userId === undefined ? undefined : usersById.get(session.userId);
      const answer = answerBroadcastAuth(path, form, user, options.key, options.secret);
      record(answer.status);
      return json(answer.status, answer.body);
    }
  }

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  onCleanup(close);
  app.url = `http://127.0.0.1:${port}`;
  app.authUrl = `${app.url}/broadcasting/auth`;
  app.userAuthUrl = `${app.url}/broadcasting/user-auth`;
  return app;
}
