import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { App } from '../apps/app.js';
import type { Hub } from '../channels/hub.js';
import type { Config } from '../config/schema.js';
import { runDoctor, type DoctorReport } from '../doctor/run-doctor.js';
import type { ApiReply } from '../http/api-reply.js';
import { fail } from '../http/api-reply.js';
import type { RequestTarget } from '../http/request-url.js';
import type { Logger } from '../logging/logger.js';
import { CODES } from '../protocol/codes.js';
import { checkAccess } from './console-access.js';
import { loadPageModules } from './console-assets.js';
import { ENTRY_KINDS, scrub, type ConsoleEntryInput } from './console-entry.js';
import { ClusterConsoleSource } from './cluster-console-source.js';
import { ConsoleLog } from './console-log.js';
import { CONSOLE_HTML } from './console-page.js';
import type { ConsoleSource } from './console-source.js';
import { LocalConsoleSource } from './local-console-source.js';
import { NowSampler } from './now-sampler.js';
import { SseClient } from './sse-client.js';
import { sendTestEvent } from './test-event.js';

const FLUSH_MS = 100;
const NOW_MS = 1000;

export type ConsoleConfig = Pick<Config, 'dashboardToken' | 'dashboardLogSize' | 'dashboardRate' | 'dashboardMaxClients' | 'dashboardClusterTtl' | 'maxPayloadSize'>;

export interface DebugConsoleOptions {
  config: ConsoleConfig;
  logger: Logger;
  /** The server's Prometheus registry: the "Now" rates are read from its counters. */
  registry: Registry;
  version: string;
  /** This process's name in entries; default the cluster's node id in cluster mode, else the host name. */
  node?: string;
  /** The Laravel project `doctor` checks from the page (default: the working directory). */
  doctor?: { dir: string; env: Record<string, string | undefined>; timeoutMs?: number };
  now?: () => number;
}

export interface DebugConsole {
  /** Observer (and webhook stats) of this process: pass it to the sidecar and the dispatcher. */
  readonly local: LocalConsoleSource;
  /**
   * The running server: entries get client IPs from it, test events publish through it, and on a
   * shared bus the console shows (and forwards to) the other nodes of the cluster.
   */
  attach(hub: Hub): void;
  /** Another source of entries (attach adds the cluster's on a shared bus). */
  addSource(source: ConsoleSource): void;
  /** Routes for the metrics listener: /, /console/*.js, /console/api/*. */
  handle(req: IncomingMessage, res: ServerResponse, url: RequestTarget): boolean;
  readonly openConsoles: number;
  close(): void;
}

function sendJson(res: ServerResponse, reply: ApiReply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // Everything is served from here: no CDN, no inline script, nothing to load from elsewhere.
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
};

/** The live debug console (issue 12): a ring-buffered log, "Now" counters, a test-event form and doctor. */
export function createDebugConsole(options: DebugConsoleOptions): DebugConsole {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  let node = options.node ?? hostname();
  const log = new ConsoleLog({ size: config.dashboardLogSize, ratePerSecond: config.dashboardRate, node, now });
  const local = new LocalConsoleSource(now);
  const sources: ConsoleSource[] = [];
  const clients = new Set<SseClient>();
  let hub: Hub | undefined;
  let cluster: ClusterConsoleSource | undefined;
  let sampler: NowSampler | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let nowTimer: NodeJS.Timeout | undefined;
  let doctorRun: Promise<DoctorReport> | undefined;
  const modules = loadPageModules();
  if (!(modules instanceof Map)) logger.warn({ missing: modules.missing }, 'debug console page scripts are missing (run npm run build); the console page will say so');

  const push = (entry: ConsoleEntryInput) => log.push(entry);
  const addSource = (source: ConsoleSource) => {
    sources.push(source);
    source.connect(push);
    source.setWatched(clients.size > 0);
  };
  // This process traces while a console here, or one on another node of the cluster, watches.
  const updateTracing = () => local.setWatched(clients.size > 0 || (cluster?.peersWatching ?? false));
  local.connect(push);
  log.subscribe((line, entry) => {
    for (const client of clients) client.enqueue(line);
    cluster?.forward(entry);
  });

  const setWatched = (watched: boolean) => {
    for (const source of sources) source.setWatched(watched);
    updateTracing();
    if (watched && !flushTimer) {
      flushTimer = setInterval(() => {
        for (const client of clients) client.flush();
      }, FLUSH_MS);
      flushTimer.unref();
      nowTimer = setInterval(() => void sampleNow(), NOW_MS);
      nowTimer.unref();
    } else if (!watched) {
      clearInterval(flushTimer);
      clearInterval(nowTimer);
      flushTimer = undefined;
      nowTimer = undefined;
    }
  };

  async function sampleNow(): Promise<void> {
    if (!sampler || clients.size === 0) return;
    try {
      const sample = await sampler.sample();
      for (const client of clients) client.event('now', sample);
    } catch (err) {
      logger.error({ err }, 'debug console sampling failed');
    }
  }

  const apps = (): App[] => (hub ? [...hub.states()].map((state) => state.app) : []);

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    if (clients.size >= config.dashboardMaxClients) {
      sendJson(res, fail(CODES.httpUnavailable, `${clients.size} consoles are open already (--dashboard-max-clients ${config.dashboardMaxClients}); close one`));
      return;
    }
    const client = new SseClient(res, config.dashboardLogSize);
    clients.add(client);
    client.event('hello', {
      node, version: options.version, apps: apps().map((app) => app.id), kinds: ENTRY_KINDS,
      rate: config.dashboardRate, logSize: config.dashboardLogSize, sampledOut: log.sampledOutTotal,
    });
    for (const line of log.recent()) client.enqueue(line);
    client.flush();
    if (clients.size === 1) setWatched(true);
    void sampleNow();
    const gone = () => {
      if (!clients.delete(client)) return;
      client.close();
      if (clients.size === 0) setWatched(false);
    };
    req.on('close', gone);
    res.on('close', gone);
    res.on('error', gone);
  }

  function doctor(): Promise<DoctorReport> {
    const target = options.doctor ?? { dir: process.cwd(), env: process.env };
    doctorRun ??= runDoctor({ dir: target.dir, env: target.env, timeoutMs: target.timeoutMs ?? 3000 }).finally(() => {
      doctorRun = undefined;
    });
    return doctorRun;
  }

  function api(req: IncomingMessage, res: ServerResponse, path: string): void {
    const access = checkAccess(req, config.dashboardToken);
    if (!access.ok) {
      sendJson(res, fail(access.entry, access.error));
      // A refused test event shows in the log, so whoever watches sees the attempt.
      if (path === '/console/api/send') push({ time: now(), kind: 'console', code: access.entry.code, reason: access.entry.id, text: `test event refused: ${access.error}` });
      return;
    }
    if (path === '/console/api/stream' && req.method === 'GET') return openStream(req, res);
    if (path === '/console/api/send' && req.method === 'POST') {
      sendTestEvent({ req, hub, apps: apps(), maxPayloadSize: config.maxPayloadSize, log: push, now }).then((reply) => sendJson(res, reply), (err: unknown) => {
        logger.error({ err }, 'debug console test event failed');
        sendJson(res, fail(CODES.httpInternal));
      });
      return;
    }
    if (path === '/console/api/doctor' && req.method === 'GET') {
      doctor().then((report) => sendJson(res, {
        status: 200,
        body: { driver: report.driver ?? null, results: report.results.map((r) => ({ ...r, detail: scrub(r.detail), ...(r.fix ? { fix: scrub(r.fix) } : {}) })) },
      }), (err: unknown) => {
        logger.error({ err }, 'debug console doctor failed');
        sendJson(res, fail(CODES.httpInternal, 'doctor failed: see the server log'));
      });
      return;
    }
    const known = ['/console/api/stream', '/console/api/send', '/console/api/doctor'].includes(path);
    sendJson(res, known ? fail(CODES.httpMethodNotAllowed, `Use ${path.endsWith('send') ? 'POST' : 'GET'} for ${path}`) : fail(CODES.httpNotFound, 'No such console route'));
  }

  return {
    local,
    attach(running) {
      hub = running;
      local.attach(running);
      sampler = new NowSampler(options.registry, running, now);
      if (running.bus.shared && !cluster) {
        if (options.node === undefined && running.bus.nodeId !== undefined) node = log.node = running.bus.nodeId;
        cluster = new ClusterConsoleSource({ bus: running.bus, node, watchTtlMs: config.dashboardClusterTtl * 1000, onPeersWatching: updateTracing, now });
        addSource(cluster);
      }
      updateTracing();
    },
    addSource,
    handle(req, res, url) {
      const path = url.pathname;
      const method = req.method ?? 'GET';
      if (path.startsWith('/console/api/')) {
        api(req, res, path);
        return true;
      }
      if (method !== 'GET' && method !== 'HEAD') return false;
      if (path === '/' || path === '/console' || path === '/console/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...PAGE_HEADERS });
        res.end(method === 'HEAD' ? undefined : CONSOLE_HTML);
        return true;
      }
      const name = path.startsWith('/console/') ? path.slice('/console/'.length) : '';
      if (!name.endsWith('.js')) return false;
      if (!(modules instanceof Map)) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`console scripts missing (${modules.missing}): run npm run build\n`);
        return true;
      }
      const source = modules.get(name);
      if (source === undefined) return false;
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', ...PAGE_HEADERS });
      res.end(method === 'HEAD' ? undefined : source);
      return true;
    },
    get openConsoles() {
      return clients.size;
    },
    close() {
      cluster?.close();
      for (const client of [...clients]) client.close();
      clients.clear();
      setWatched(false);
    },
  };
}
