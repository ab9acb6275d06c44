import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthHttpReply, AuthHttpRequest } from '../../src/auth/auth-transport.js';
import { createLaravelAuthForwarder, type LaravelAuthConfig } from '../../src/auth/laravel-auth-forwarder.js';
import { createLogger } from '../../src/logging/logger.js';

const CONFIG: LaravelAuthConfig = {
  authUrl: 'http://laravel.internal/broadcasting/auth',
  userAuthUrl: 'http://laravel.internal/broadcasting/user-auth',
  maxConcurrentAuth: 2, authQueueSize: 2, maxAuthPerConnection: 50, maxAuthPerIp: 500, authTimeout: 1000, maxAuthBody: 1024,
  authCircuitThreshold: 2, authCircuitCooldown: 5000,
};

/** A transport whose replies the test hands out one by one. */
function fakeTransport() {
  const calls: Array<{ request: AuthHttpRequest; respond: (reply: AuthHttpReply) => void }> = [];
  const send = (request: AuthHttpRequest) =>
    new Promise<AuthHttpReply>((resolve) => {
      calls.push({ request, respond: resolve });
      request.signal.addEventListener('abort', () => resolve({ kind: 'error', code: 'UND_ERR_ABORTED' }));
    });
  return { calls, send };
}

function setup(config: Partial<LaravelAuthConfig> = {}) {
  let now = 0;
  const transport = fakeTransport();
  const forwarder = createLaravelAuthForwarder({ ...CONFIG, ...config }, createLogger({ level: 'silent', format: 'json' }), { transport: transport.send, now: () => now });
  const channel = (socketId = '1.1', name = 'private-orders.1', isStale?: () => boolean) =>
    forwarder.authorizeChannel({ socketId, channel: name, headers: { cookie: 'laravel_session=s3cr3t' }, ip: '203.0.113.9', ...(isStale ? { isStale } : {}) });
  return { forwarder, calls: transport.calls, channel, advance: (ms: number) => void (now += ms) };
}

const ok = (body: unknown): AuthHttpReply => ({ kind: 'reply', status: 200, body: JSON.stringify(body) });
const flush = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => vi.useRealTimers());

describe('createLaravelAuthForwarder', () => {
  it("POSTs socket_id and channel_name form-encoded with the browser's credentials and returns Laravel's auth", async () => {
    const { channel, calls } = setup();
    const result = channel();
    await flush();
    expect(calls).toHaveLength(1);
    const { request } = calls[0]!;
    expect(request.url).toBe(CONFIG.authUrl);
    expect(request.body).toBe('socket_id=1.1&channel_name=private-orders.1');
    expect(request.headers).toMatchObject({ cookie: 'laravel_session=s3cr3t', 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-socket-id': '1.1' });
    expect(request.maxBody).toBe(1024);
    calls[0]!.respond(ok({ auth: 'k:sig', channel_data: '{"user_id":"1"}' }));
    expect(await result).toEqual({ ok: true, auth: 'k:sig', channelData: '{"user_id":"1"}' });
  });

  it('POSTs only socket_id to the user auth URL for sign-in', async () => {
    const { forwarder, calls } = setup();
    const result = forwarder.authenticateUser({ socketId: '1.1', headers: {}, ip: '' });
    await flush();
    expect(calls[0]!.request).toMatchObject({ url: CONFIG.userAuthUrl, body: 'socket_id=1.1' });
    calls[0]!.respond(ok({ auth: 'k:sig', user_data: '{"id":"1"}' }));
    expect(await result).toEqual({ ok: true, auth: 'k:sig', userData: '{"id":"1"}' });
  });

  it.each([
    [401, 401], [403, 403], [419, 403], [429, 503], [404, 502], [302, 502], [500, 503], [503, 503],
  ])('reports Laravel %i as subscription status %i', async (laravel, status) => {
    const { channel, calls } = setup();
    const result = channel();
    await flush();
    calls[0]!.respond({ kind: 'reply', status: laravel });
    expect(await result).toMatchObject({ ok: false, status });
  });

  it('answers 502 for a 200 that is not JSON with an auth string, or is over --max-auth-body', async () => {
    const { channel, calls } = setup();
    const html = channel('1.1');
    const huge = channel('1.2');
    await flush();
    calls[0]!.respond({ kind: 'reply', status: 200, body: '<html>login</html>' });
    calls[1]!.respond({ kind: 'reply', status: 200, tooLarge: true });
    expect(await html).toMatchObject({ ok: false, status: 502, reason: expect.stringContaining('not a JSON object') });
    expect(await huge).toMatchObject({ ok: false, status: 502, reason: expect.stringContaining('--max-auth-body') });
  });

  it('shares one POST between identical requests in flight', async () => {
    const { channel, calls } = setup();
    const first = channel('1.1', 'private-a');
    const second = channel('1.1', 'private-a');
    const other = channel('1.1', 'private-b');
    await flush();
    expect(calls.map((c) => c.request.body)).toEqual(['socket_id=1.1&channel_name=private-a', 'socket_id=1.1&channel_name=private-b']);
    calls[0]!.respond(ok({ auth: 'k:a' }));
    expect(await first).toEqual(await second);
    calls[1]!.respond(ok({ auth: 'k:b' }));
    await other;
    const again = channel('1.1', 'private-a');
    await flush();
    expect(calls).toHaveLength(3);
    calls[2]!.respond(ok({ auth: 'k:a' }));
    await again;
  });

  it('keeps at most --max-concurrent-auth requests in flight, queues --auth-queue-size and fails the rest at once', async () => {
    const { channel, calls } = setup({ maxConcurrentAuth: 2, authQueueSize: 1 });
    const results = ['1.1', '1.2', '1.3', '1.4'].map((id) => channel(id));
    await flush();
    expect(calls).toHaveLength(2);
    expect(await results[3]).toMatchObject({ ok: false, status: 503, reason: expect.stringContaining('--auth-queue-size') });
    calls[0]!.respond(ok({ auth: 'k:1' }));
    await results[0];
    await flush();
    expect(calls).toHaveLength(3);
    calls[1]!.respond(ok({ auth: 'k:2' }));
    calls[2]!.respond(ok({ auth: 'k:3' }));
    expect((await Promise.all(results.slice(0, 3))).map((r) => r.ok)).toEqual([true, true, true]);
  });

  it('never sends a queued request whose socket went away', async () => {
    const { channel, calls } = setup({ maxConcurrentAuth: 1 });
    let gone = false;
    const busy = channel('1.1');
    const dropped = channel('1.2', 'private-orders.1', () => gone);
    await flush();
    gone = true;
    calls[0]!.respond(ok({ auth: 'k:1' }));
    await busy;
    expect(await dropped).toMatchObject({ ok: false, status: 503 });
    expect(calls).toHaveLength(1);
  });

  it('gives up on a Laravel that does not answer within --auth-timeout', async () => {
    vi.useFakeTimers();
    const { channel, calls } = setup({ authTimeout: 1000 });
    const result = channel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls[0]!.request.signal.aborted).toBe(true);
    expect(await result).toMatchObject({ ok: false, status: 503, reason: expect.stringContaining('--auth-timeout') });
  });

  it('fails a queued request that waited --auth-timeout for a slot', async () => {
    vi.useFakeTimers();
    const { channel, calls } = setup({ maxConcurrentAuth: 1, authTimeout: 1000 });
    void channel('1.1');
    const queued = channel('1.2');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await queued).toMatchObject({ ok: false, status: 503, reason: expect.stringContaining('No auth slot free') });
    expect(calls).toHaveLength(1);
  });

  it('opens the circuit after --auth-circuit-threshold failures, fails fast, then probes after the cooldown', async () => {
    const { forwarder, channel, calls, advance } = setup({ authCircuitThreshold: 2, authCircuitCooldown: 5000 });
    for (const id of ['1.1', '1.2']) {
      const result = channel(id);
      await flush();
      calls.at(-1)!.respond({ kind: 'error', code: 'ECONNREFUSED' });
      expect(await result).toMatchObject({ ok: false, status: 503, reason: expect.stringContaining('ECONNREFUSED') });
    }
    expect(forwarder.breakerState).toBe('open');
    expect(await channel('1.3')).toMatchObject({ ok: false, status: 503, reason: expect.stringContaining('circuit breaker') });
    expect(calls).toHaveLength(2);

    advance(5000);
    const probe = channel('1.4');
    const meanwhile = channel('1.5');
    await flush();
    expect(calls).toHaveLength(3);
    expect(await meanwhile).toMatchObject({ ok: false, status: 503 });
    calls[2]!.respond(ok({ auth: 'k:4' }));
    expect(await probe).toMatchObject({ ok: true });
    expect(forwarder.breakerState).toBe('closed');
  });

  it('counts 403s as a healthy Laravel, not as failures', async () => {
    const { forwarder, channel, calls } = setup({ authCircuitThreshold: 1 });
    const result = channel();
    await flush();
    calls[0]!.respond({ kind: 'reply', status: 403 });
    await result;
    expect(forwarder.breakerState).toBe('closed');
  });

  it('fails waiting and in-flight requests on close', async () => {
    const { forwarder, channel } = setup({ maxConcurrentAuth: 1 });
    const inFlight = channel('1.1');
    const queued = channel('1.2');
    await flush();
    await forwarder.close();
    expect(await queued).toMatchObject({ ok: false, status: 503 });
    expect(await inFlight).toMatchObject({ ok: false, status: 503 });
  });
});
