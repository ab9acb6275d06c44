import type { Config } from '../config/schema.js';
import type { HandshakeHeaders } from '../connections/connection.js';
import type { Logger } from '../logging/logger.js';
import type { AuthForwarder, ChannelAuthResult, ForwardFailure, UserAuthResult } from './auth-forwarder.js';
import { parseChannelAuthReply, parseUserAuthReply } from './auth-reply.js';
import { rateLimitKey } from '../guards/client-ip.js';
import { AuthSlots } from './auth-slots.js';
import { createUndiciTransport, type AuthHttpReply, type AuthTransport } from './auth-transport.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { buildAuthRequestHeaders } from './forward-headers.js';

export type LaravelAuthConfig = Pick<
  Config,
  'authUrl' | 'userAuthUrl' | 'maxConcurrentAuth' | 'authQueueSize' | 'maxAuthPerConnection' | 'maxAuthPerIp' | 'authTimeout' | 'maxAuthBody' | 'authCircuitThreshold' | 'authCircuitCooldown'
>;

export interface LaravelAuthForwarderDeps {
  /** Replaces the undici transport (unit tests). */
  transport?: AuthTransport;
  now?: () => number;
  /** Called once per request actually sent (coalesced ones count once), for the metrics. */
  onOutcome?: (outcome: AuthOutcome, seconds: number) => void;
}

/** A bounded label set for the auth-forward metrics. */
export type AuthOutcome = 'ok' | 'unauthenticated' | 'forbidden' | 'bad_reply' | 'unavailable' | 'too_many_pending';

function outcomeOf(result: Outcome): AuthOutcome {
  if (result.ok) return 'ok';
  if (result.status === 401) return 'unauthenticated';
  if (result.status === 403) return 'forbidden';
  if (result.status === 503) return 'unavailable';
  if (result.status === 429) return 'too_many_pending';
  return 'bad_reply';
}

export interface LaravelAuthForwarder extends AuthForwarder {
  readonly breakerState: BreakerState;
  close(): Promise<void>;
}

interface Outbound {
  url: string;
  socketId: string;
  headers: HandshakeHeaders;
  ip: string;
  form: Record<string, string>;
}

type Outcome = { ok: true; body: string } | ForwardFailure;

/** The URL without credentials or query, for log lines. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** 503: Laravel is down, slow or saturated. The client may retry later. */
function unavailable(reason: string): ForwardFailure {
  return { ok: false, status: 503, reason };
}

/** 429: this connection (or IP) asked for more than its share; the others are still served. */
function tooManyPending(reason: string): ForwardFailure {
  return { ok: false, status: 429, reason };
}

/**
 * Server-side auth against Laravel's /broadcasting/auth and /broadcasting/user-auth, built to
 * protect a handful of PHP workers: identical in-flight requests share one POST; at most
 * --max-concurrent-auth are in flight and --auth-queue-size wait (no longer than --auth-timeout),
 * shared fairly between connections and bounded per connection and per IP (auth-slots.ts);
 * each has --auth-timeout and a --max-auth-body reply cap; and a circuit breaker fails fast while
 * Laravel is down, probing it again after --auth-circuit-cooldown. Replies are parsed here and
 * their signatures verified by the caller (subscribe.ts, signin.ts), so a 200 is never trusted.
 */
export function createLaravelAuthForwarder(config: LaravelAuthConfig, logger: Logger, deps: LaravelAuthForwarderDeps = {}): LaravelAuthForwarder {
  const now = deps.now ?? Date.now;
  const undici = deps.transport ? undefined : createUndiciTransport({ connections: config.maxConcurrentAuth, timeoutMs: config.authTimeout });
  const transport: AuthTransport = deps.transport ?? undici!.send;
  const slots = new AuthSlots({
    max: config.maxConcurrentAuth, queueSize: config.authQueueSize,
    perOwner: config.maxAuthPerConnection, perIp: config.maxAuthPerIp,
  });
  const inFlight = new Map<string, { promise: Promise<Outcome>; stale: Array<() => boolean> }>();
  const aborts = new Set<AbortController>();
  const breaker = new CircuitBreaker({
    threshold: config.authCircuitThreshold,
    cooldownMs: config.authCircuitCooldown,
    now,
    onChange(state) {
      const url = describeUrl(config.authUrl || config.userAuthUrl);
      if (state === 'open') logger.warn({ authUrl: url, cooldownMs: config.authCircuitCooldown }, 'Laravel auth endpoint is failing: answering 503 at once until it recovers');
      else if (state === 'half-open') logger.info({ authUrl: url }, 'probing the Laravel auth endpoint again');
      else logger.info({ authUrl: url }, 'Laravel auth endpoint recovered');
    },
  });

  async function send(out: Outbound, isStale: () => boolean): Promise<Outcome> {
    if (breaker.isRejecting()) {
      return unavailable(`Laravel auth endpoint is failing; not asked again for up to ${config.authCircuitCooldown} ms (circuit breaker open)`);
    }
    const slot = await slots.acquire({ owner: out.socketId, ipKey: rateLimitKey(out.ip), waitMs: config.authTimeout, isStale });
    if (!slot.ok) {
      switch (slot.why) {
        case 'queue-full':
          return unavailable(`Too many auth requests: ${config.maxConcurrentAuth} in flight and ${config.authQueueSize} waiting (--max-concurrent-auth, --auth-queue-size)`);
        case 'timeout':
          return unavailable(`No auth slot free within ${config.authTimeout} ms: Laravel is slow (--max-concurrent-auth ${config.maxConcurrentAuth})`);
        case 'stale':
          return unavailable('Nobody waits for this auth request any more');
        case 'closed':
          return unavailable('Server is shutting down');
        case 'owner-limit':
          return tooManyPending(`This connection already has ${config.maxAuthPerConnection} auth requests waiting or in flight (--max-auth-per-connection)`);
        case 'ip-limit':
          return tooManyPending(`This client IP already has ${config.maxAuthPerIp} auth requests waiting or in flight (--max-auth-per-ip)`);
        case 'displaced':
          return tooManyPending(`The auth queue is full (--auth-queue-size ${config.authQueueSize}) and this connection had the most requests waiting`);
      }
    }
    try {
      const ticket = breaker.admit();
      if (!ticket) return unavailable('Laravel auth endpoint is failing; another request is probing it (circuit breaker open)');
      const controller = new AbortController();
      aborts.add(controller);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, config.authTimeout);
      let reply: AuthHttpReply;
      try {
        reply = await transport({
          url: out.url,
          headers: buildAuthRequestHeaders(out.headers, out.socketId, out.ip),
          body: new URLSearchParams(out.form).toString(),
          signal: controller.signal,
          maxBody: config.maxAuthBody,
        });
      } finally {
        clearTimeout(timer);
        aborts.delete(controller);
      }
      if (reply.kind === 'error' || timedOut) {
        breaker.failure(ticket);
        if (timedOut) return unavailable(`Laravel did not answer within ${config.authTimeout} ms (--auth-timeout)`);
        return unavailable(`Laravel auth endpoint unreachable (${reply.kind === 'error' ? reply.code : 'error'})`);
      }
      if (reply.status >= 500) {
        breaker.failure(ticket);
        return unavailable(`Laravel answered ${reply.status}`);
      }
      breaker.success(ticket);
      return classify(reply);
    } finally {
      slot.release();
    }
  }

  function classify(reply: Extract<AuthHttpReply, { kind: 'reply' }>): Outcome {
    const { status } = reply;
    if (status === 200) {
      if (reply.tooLarge || reply.body === undefined) return { ok: false, status: 502, reason: `Laravel's reply is larger than ${config.maxAuthBody} bytes (--max-auth-body)` };
      return { ok: true, body: reply.body };
    }
    if (status === 401) return { ok: false, status: 401, reason: 'Laravel answered 401: no logged-in user for this connection\'s cookies' };
    if (status === 403) return { ok: false, status: 403, reason: 'Laravel answered 403: it refused this user (routes/channels.php, or no logged-in user)' };
    if (status === 419) return { ok: false, status: 403, reason: 'Laravel answered 419: CSRF token mismatch or session expired' };
    if (status === 429) return unavailable('Laravel answered 429: it is rate-limiting auth requests');
    return { ok: false, status: 502, reason: `Laravel answered ${status} instead of 200 JSON; check the auth URL` };
  }

  /** Shares one POST between identical requests in flight (same socket, same channel, same URL). */
  function forward(key: string, out: Outbound, isStale: (() => boolean) | undefined): Promise<Outcome> {
    const stale = isStale ?? (() => false);
    const existing = inFlight.get(key);
    if (existing) {
      existing.stale.push(stale);
      return existing.promise;
    }
    const entry = { stale: [stale], promise: undefined as unknown as Promise<Outcome> };
    const started = now();
    entry.promise = send(out, () => entry.stale.every((s) => s()))
      .then((result) => {
        deps.onOutcome?.(outcomeOf(result), (now() - started) / 1000);
        return result;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, entry);
    return entry.promise;
  }

  return {
    canAuthorizeChannels: config.authUrl !== '',
    canAuthenticateUsers: config.userAuthUrl !== '',
    get breakerState() {
      return breaker.state;
    },

    async authorizeChannel(request): Promise<ChannelAuthResult> {
      const { socketId, channel } = request;
      const out: Outbound = { url: config.authUrl, socketId, headers: request.headers, ip: request.ip, form: { socket_id: socketId, channel_name: channel } };
      const outcome = await forward(`channel\n${socketId}\n${channel}`, out, request.isStale);
      if (!outcome.ok) return outcome;
      const reply = parseChannelAuthReply(outcome.body);
      if (!reply.ok) return { ok: false, status: 502, reason: `Invalid reply from Laravel: ${reply.reason}` };
      return reply;
    },

    async authenticateUser(request): Promise<UserAuthResult> {
      const { socketId } = request;
      const out: Outbound = { url: config.userAuthUrl, socketId, headers: request.headers, ip: request.ip, form: { socket_id: socketId } };
      const outcome = await forward(`user\n${socketId}`, out, request.isStale);
      if (!outcome.ok) return outcome;
      const reply = parseUserAuthReply(outcome.body);
      if (!reply.ok) return { ok: false, status: 502, reason: `Invalid reply from Laravel: ${reply.reason}` };
      return reply;
    },

    async close() {
      slots.close();
      for (const controller of aborts) controller.abort();
      await undici?.close();
    },
  };
}
