import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { App } from '../apps/app.js';
import type { AppRegistry } from '../apps/app-registry.js';
import { verifyApiQuery, verifyBodyMd5 } from '../auth/api-signature.js';
import type { Hub } from '../channels/hub.js';
import { ClusterUnavailableError } from '../cluster/cluster-unavailable-error.js';
import { resolveClientIp } from '../guards/client-ip.js';
import { CODES } from '../protocol/codes.js';
import { fail, ok, type ApiReply } from './api-reply.js';
import type { ApiRequestMessage } from './api-request.js';
import { decodePathSegment, parseApiTarget } from './request-url.js';
import { listChannels, listUsers, showChannel, terminateUserConnections } from './routes/channels.js';
import { triggerBatch, triggerEvent } from './routes/events.js';
import { writeReply } from './write-reply.js';

export interface ApiRouterOptions {
  hub: Hub;
  apps: AppRegistry;
  isReady: () => boolean;
  /** Why the server is not ready (shown in the /ready reply). */
  notReadyReason?: () => string | undefined;
  /** The --trust-proxy matcher: refusals are logged with the client's IP, as handshakes are. */
  isTrustedProxy: (address: string) => boolean;
}

interface ApiRequest {
  app: App;
  params: ReadonlyMap<string, string>;
  body: Buffer;
}

const APPS = '/apps/';

interface Route {
  name: string;
  method: 'GET' | 'POST';
  /** Path segments after `/apps/{id}/`; `null` is a parameter (one non-empty segment). */
  segments: ReadonlyArray<string | null>;
  handle(hub: Hub, request: ApiRequest, match: string[]): ApiReply | Promise<ApiReply>;
}

// pusher-php may put a `path` prefix before /apps; it signs only the /apps/... part.
const ROUTES: Route[] = [
  { name: 'events', method: 'POST', segments: ['events'], handle: (hub, r) => triggerEvent(hub, r.app, r.body) },
  { name: 'batch_events', method: 'POST', segments: ['batch_events'], handle: (hub, r) => triggerBatch(hub, r.app, r.body) },
  { name: 'channels', method: 'GET', segments: ['channels'], handle: (hub, r) => listChannels(hub, r.app, r.params) },
  { name: 'channel', method: 'GET', segments: ['channels', null], handle: (hub, r, m) => showChannel(hub, r.app, m[2]!, r.params) },
  { name: 'channel_users', method: 'GET', segments: ['channels', null, 'users'], handle: (hub, r, m) => listUsers(hub, r.app, m[2]!) },
  { name: 'terminate_connections', method: 'POST', segments: ['users', null, 'terminate_connections'], handle: (hub, r, m) => terminateUserConnections(hub, r.app, m[2]!) },
];

/** Routes with one segment after the app id (the publish routes among them), by that segment. */
const SINGLE_SEGMENT = new Map(ROUTES.filter((r) => r.segments.length === 1).map((r) => [r.segments[0]!, r]));

/**
 * The route an `/apps/...` path names, and its match: the path, the app id, then each parameter
 * (still percent-encoded). Segments are compared as strings: no regular expression per request.
 */
function matchRoute(apiPath: string): [Route, string[]] | undefined {
  const idEnd = apiPath.indexOf('/', APPS.length);
  if (idEnd <= APPS.length) return undefined;
  const appId = apiPath.slice(APPS.length, idEnd);
  const rest = apiPath.slice(idEnd + 1);
  const single = SINGLE_SEGMENT.get(rest);
  if (single) return [single, [apiPath, appId]];
  const parts = rest.split('/');
  for (const route of ROUTES) {
    if (parts.length !== route.segments.length || route.segments.length === 1) continue;
    const match = [apiPath, appId];
    let matched = true;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const expected = route.segments[i];
      if (expected === null ? part === '' : part !== expected) {
        matched = false;
        break;
      }
      if (expected === null) match.push(part);
    }
    if (matched) return [route, match];
  }
  return undefined;
}

const ROUTES_BY_NAME = new Map(ROUTES.map((route) => [route.name, route]));

/**
 * The WebSocket endpoint's prefix. An API path under it is refused, so a proxy rule that forwards
 * `/app/*` to the sidecar for WebSockets cannot expose the API as `/app/x/apps/1/events`.
 */
const WEBSOCKET_PREFIX = '/app/';

function bodyLimit(hub: Hub): number {
  return hub.config.maxPayloadSize * 10 + 100 * (hub.config.maxChannelNameLength + 4) + 16_384;
}

/** Whether body bytes are announced that have not all arrived: a refusal then closes the connection. */
function hasUnreadBody(req: ApiRequestMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
}

function declaredLength(req: ApiRequestMessage): number {
  const length = req.headers['content-length'];
  return length === undefined ? 0 : Number(length);
}

/**
 * The Pusher REST API plus /up and /ready. Every answer is JSON; errors are `{error, code}`.
 *
 * A request is answered from what its head proves before its body is read: route, app, declared
 * size, key, timestamp window and the HMAC over the query (body_md5 is signed there). Only a
 * request that can still be valid has its body read, by listeners shared by every request, then
 * checked against body_md5. Publishes reply synchronously: no promise between the last body
 * chunk and the reply.
 */
export function createApiRouter(options: ApiRouterOptions): (req: ApiRequestMessage, res: ServerResponse) => void {
  const { hub } = options;
  const limit = bodyLimit(hub);

  function reply(req: ApiRequestMessage, res: ServerResponse, route: string, answer: ApiReply, appId?: string): void {
    writeReply(res, answer, answer.status >= 400 && hasUnreadBody(req));
    // 4xx refusals reach logs, metrics and the console as rejections; other errors as console traces.
    if (answer.entry && answer.status < 500) refused(req, route, answer, appId);
    else if (hub.observers.tracing && answer.status >= 400) {
      const error = (answer.body as { error?: unknown }).error;
      hub.observers.emit('trace', { kind: 'api_refused', route, status: answer.status, error: typeof error === 'string' ? error : '', ip: resolveClientIp(req, options.isTrustedProxy) });
    }
    if (hub.observers.wants('apiRequest')) hub.observers.emit('apiRequest', route, answer.status, (performance.now() - req.apiStarted) / 1000);
  }

  // The error path only: one observer call (rate-capped log line, counter by code and reason).
  // The detail is the reply's error text, which never holds a secret or a signature.
  function refused(req: ApiRequestMessage, route: string, answer: ApiReply, appId: string | undefined): void {
    const error = (answer.body as { error?: unknown }).error;
    hub.observers.emit('rejected', {
      entry: answer.entry!,
      detail: typeof error === 'string' ? error : answer.entry!.message,
      ip: resolveClientIp(req, options.isTrustedProxy),
      route,
      ...(appId === undefined ? {} : { appId: appId.slice(0, 64) }),
    });
  }

  function settle(req: ApiRequestMessage, res: ServerResponse, route: string, app: App, answer: ApiReply | Promise<ApiReply>): void {
    if (!(answer instanceof Promise)) {
      reply(req, res, route, answer, app.id);
      return;
    }
    answer.then(
      (value) => reply(req, res, route, value, app.id),
      (err: unknown) => {
        if (err instanceof ClusterUnavailableError) {
          reply(req, res, route, fail(CODES.httpUnavailable, err.message), app.id);
          return;
        }
        hub.logger.error({ err, route }, 'HTTP API handler failed');
        reply(req, res, route, fail(CODES.httpInternal), app.id);
      },
    );
  }

  /** The whole body is in: check it against body_md5 and run the route. */
  function handleBody(req: ApiRequestMessage, body: Buffer): void {
    const res = req.apiResponse;
    const route = req.apiRoute;
    const app = req.apiApp;
    const params = req.apiParams;
    const check = verifyBodyMd5(body, params);
    if (!check.ok) {
      reply(req, res, route, fail(CODES.httpBadSignature, check.reason), app.id);
      return;
    }
    let answer: ApiReply | Promise<ApiReply>;
    try {
      answer = ROUTES_BY_NAME.get(route)!.handle(hub, { app, params, body }, req.apiMatch);
    } catch (err) {
      if (err instanceof ClusterUnavailableError) answer = fail(CODES.httpUnavailable, err.message);
      else {
        hub.logger.error({ err, route }, 'HTTP API handler failed');
        answer = fail(CODES.httpInternal);
      }
    }
    settle(req, res, route, app, answer);
  }

  function onData(this: ApiRequestMessage, chunk: Buffer): void {
    if (this.bodyChunks === null) return;
    this.bodySize += chunk.length;
    if (this.bodySize > this.bodyLimit) {
      this.bodyChunks = null;
      reply(this, this.apiResponse, this.apiRoute, fail(CODES.httpPayloadTooLarge, 'Request body too large'), this.apiApp.id);
      return;
    }
    this.bodyChunks.push(chunk);
  }

  function onEnd(this: ApiRequestMessage): void {
    const chunks = this.bodyChunks;
    if (chunks === null) return;
    this.bodyChunks = null;
    handleBody(this, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  function onError(this: ApiRequestMessage): void {
    if (this.bodyChunks === null) return;
    this.bodyChunks = null;
    reply(this, this.apiResponse, this.apiRoute, fail(CODES.httpBadRequest, 'Request body could not be read'), this.apiApp.id);
  }

  /** Everything up to the body; returns a refusal, or undefined once the body is being read. */
  function route(req: ApiRequestMessage, res: ServerResponse): [string, ApiReply, string?] | undefined {
    const target = parseApiTarget(req.url);
    if (!target) return ['not_found', fail(CODES.httpBadRequest, 'Unparseable request target')];
    const { pathname, params, signedQuery } = target;
    const method = req.method ?? 'GET';
    if (pathname === '/up') return ['up', ok({ status: 'ok' })];
    if (pathname === '/ready') {
      const ready = options.isReady();
      return ['ready', ready ? ok({ ready: true }) : fail(CODES.httpUnavailable, `Not ready: ${options.notReadyReason?.() ?? 'shutting down'}`)];
    }
    const at = pathname.indexOf(APPS);
    const found = at !== -1 && !pathname.startsWith(WEBSOCKET_PREFIX) ? matchRoute(pathname.slice(at)) : undefined;
    if (!found) return ['not_found', fail(CODES.httpNotFound, `No route for ${method} ${pathname.slice(0, 100)}`)];
    const [candidate, match] = found;
    const name = candidate.name;
    if (candidate.method !== method) return [name, fail(CODES.httpMethodNotAllowed, `Use ${candidate.method} for this route`)];
    const decoded: string[] = [];
    for (const part of match) {
      const value = part.includes('%') ? decodePathSegment(part) : part;
      if (value === undefined) return [name, fail(CODES.httpBadRequest, 'Malformed percent-encoding in the path')];
      decoded.push(value);
    }
    const appId = decoded[1]!;
    const app = options.apps.findById(appId);
    if (!app) return [name, fail(CODES.httpNotFound, 'Unknown app id'), appId];
    const declared = declaredLength(req);
    if (declared > limit) return [name, fail(CODES.httpPayloadTooLarge, 'Request body too large'), app.id];
    const check = verifyApiQuery({
      method, path: pathname.slice(at), params, signedQuery, key: app.key, secret: app.secret,
      nowSeconds: Math.floor(hub.now() / 1000), expectsBody: declared > 0,
    });
    if (!check.ok) return [name, fail(CODES.httpBadSignature, check.reason), app.id];
    if (!app.enabled) return [name, fail(CODES.httpForbidden, 'Application is disabled'), app.id];

    req.apiResponse = res;
    req.apiRoute = name;
    req.apiApp = app;
    req.apiParams = params;
    req.apiMatch = decoded;
    req.bodyChunks = [];
    req.bodySize = 0;
    req.bodyLimit = limit;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    // Requests that asked to wait come through 'checkContinue': invite the body only now.
    if (req.headers.expect === '100-continue') res.writeContinue();
    return undefined;
  }

  return (req, res) => {
    req.apiStarted = performance.now();
    const refusal = route(req, res);
    if (!refusal) return;
    // The head is parsed before the rest of the same packet: wait for that to be parsed too, so a
    // refused request whose body came along keeps its keep-alive connection; one whose body is
    // still missing is answered now and closed rather than waited for.
    if (hasUnreadBody(req)) setImmediate(() => reply(req, res, refusal[0], refusal[1], refusal[2]));
    else reply(req, res, refusal[0], refusal[1], refusal[2]);
  };
}
