import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../apps/app.js';
import type { AppRegistry } from '../apps/app-registry.js';
import { verifyApiSignature } from '../auth/api-signature.js';
import type { Hub } from '../channels/hub.js';
import { CODES } from '../protocol/codes.js';
import { fail, ok, type ApiReply } from './api-reply.js';
import { decodePathSegment, parseRequestUrl } from './request-url.js';
import { readBody } from './read-body.js';
import { listChannels, listUsers, showChannel, terminateUserConnections } from './routes/channels.js';
import { triggerBatch, triggerEvent } from './routes/events.js';

export interface ApiRouterOptions {
  hub: Hub;
  apps: AppRegistry;
  isReady: () => boolean;
  /** Why the server is not ready (shown in the /ready reply). */
  notReadyReason?: () => string | undefined;
}

interface ApiRequest {
  app: App;
  params: URLSearchParams;
  body: Buffer;
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(hub: Hub, request: ApiRequest, match: string[]): Promise<ApiReply>;
}

// pusher-php may put a `path` prefix before /apps; it signs only the /apps/... part.
const ROUTES: Route[] = [
  { name: 'events', method: 'POST', pattern: /^\/apps\/([^/]+)\/events$/, handle: (hub, r) => triggerEvent(hub, r.app, r.body) },
  { name: 'batch_events', method: 'POST', pattern: /^\/apps\/([^/]+)\/batch_events$/, handle: (hub, r) => triggerBatch(hub, r.app, r.body) },
  { name: 'channels', method: 'GET', pattern: /^\/apps\/([^/]+)\/channels$/, handle: (hub, r) => listChannels(hub, r.app, r.params) },
  { name: 'channel', method: 'GET', pattern: /^\/apps\/([^/]+)\/channels\/([^/]+)$/, handle: (hub, r, m) => showChannel(hub, r.app, m[2]!, r.params) },
  { name: 'channel_users', method: 'GET', pattern: /^\/apps\/([^/]+)\/channels\/([^/]+)\/users$/, handle: (hub, r, m) => listUsers(hub, r.app, m[2]!) },
  { name: 'terminate_connections', method: 'POST', pattern: /^\/apps\/([^/]+)\/users\/([^/]+)\/terminate_connections$/, handle: (hub, r, m) => terminateUserConnections(hub, r.app, m[2]!) },
];

function send(res: ServerResponse, reply: ApiReply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...reply.headers });
  res.end(body);
}

function bodyLimit(hub: Hub): number {
  return hub.config.maxPayloadSize * 10 + 100 * (hub.config.maxChannelNameLength + 4) + 16_384;
}

/** The Pusher REST API plus /up and /ready. Every answer is JSON; errors are `{error, code}`. */
export function createApiRouter(options: ApiRouterOptions) {
  const { hub } = options;

  async function route(req: IncomingMessage): Promise<{ name: string; reply: ApiReply }> {
    const url = parseRequestUrl(req.url);
    if (!url) return { name: 'not_found', reply: fail(CODES.httpBadRequest, 'Unparseable request target') };
    const method = req.method ?? 'GET';
    if (url.pathname === '/up') return { name: 'up', reply: ok({ status: 'ok' }) };
    if (url.pathname === '/ready') {
      const ready = options.isReady();
      return { name: 'ready', reply: ready ? ok({ ready: true }) : fail(CODES.httpUnavailable, `Not ready: ${options.notReadyReason?.() ?? 'shutting down'}`) };
    }
    const apiPath = url.pathname.slice(Math.max(0, url.pathname.indexOf('/apps/')));
    let match: string[] | null = null;
    const candidate = ROUTES.find((r) => (match = r.pattern.exec(apiPath)) !== null);
    if (!candidate || !match) return { name: 'not_found', reply: fail(CODES.httpNotFound, `No route for ${method} ${url.pathname.slice(0, 100)}`) };
    const m: string[] = match;
    const name = candidate.name;
    if (candidate.method !== method) return { name, reply: fail(CODES.httpMethodNotAllowed, `Use ${candidate.method} for this route`) };
    const decoded = m.map((part) => decodePathSegment(part));
    if (decoded.includes(undefined)) return { name, reply: fail(CODES.httpBadRequest, 'Malformed percent-encoding in the path') };
    const app = options.apps.findById(decoded[1]!);
    if (!app) return { name, reply: fail(CODES.httpNotFound, 'Unknown app id') };
    const read = await readBody(req, bodyLimit(hub));
    if (!read.ok) {
      return { name, reply: read.tooLarge ? fail(CODES.httpPayloadTooLarge, 'Request body too large') : fail(CODES.httpBadRequest, 'Request body could not be read') };
    }
    const params = new Map<string, string>();
    for (const [key, value] of url.searchParams) if (!params.has(key)) params.set(key, value);
    const check = verifyApiSignature({
      method, path: apiPath, params, body: read.body, key: app.key, secret: app.secret, nowSeconds: Math.floor(hub.now() / 1000),
    });
    if (!check.ok) return { name, reply: fail(CODES.httpBadSignature, check.reason) };
    if (!app.enabled) return { name, reply: fail(CODES.httpForbidden, 'Application is disabled') };
    return { name, reply: await candidate.handle(hub, { app, params: url.searchParams, body: read.body }, decoded as string[]) };
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    route(req).then(
      ({ name, reply }) => {
        send(res, reply);
        hub.observers.emit('apiRequest', name, reply.status, Number(process.hrtime.bigint() - started) / 1e9);
        if (hub.observers.tracing && reply.status >= 400) {
          const error = (reply.body as { error?: unknown }).error;
          hub.observers.emit('trace', { kind: 'api_refused', route: name, status: reply.status, error: typeof error === 'string' ? error : '', ip: req.socket.remoteAddress ?? '' });
        }
      },
      (err: unknown) => {
        hub.logger.error({ err }, 'HTTP API handler failed');
        send(res, fail(CODES.httpInternal));
      },
    );
  };
}
