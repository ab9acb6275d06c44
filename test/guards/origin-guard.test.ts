import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createOriginGuard, createOriginMatcher, createOriginPolicy } from '../../src/guards/origin-guard.js';
import type { HandshakeContext } from '../../src/guards/handshake-guard.js';
import { CODES } from '../../src/protocol/codes.js';

describe('createOriginMatcher', () => {
  it('by default wants the Origin host to equal the request host, ignoring default ports', () => {
    const same = createOriginMatcher([]);
    expect(same('https://app.test', 'app.test')).toBe(true);
    expect(same('https://APP.test', 'app.test:443')).toBe(true);
    expect(same('http://app.test:8000', 'app.test:8000')).toBe(true);
    expect(same('http://app.test:8000', 'app.test')).toBe(false);
    expect(same('https://evil.test', 'app.test')).toBe(false);
    expect(same('https://app.test.evil.test', 'app.test')).toBe(false);
    expect(same('https://app.test', undefined)).toBe(false);
  });

  it('compares the port the Origin implies with the one the request was sent to', () => {
    const same = createOriginMatcher([]);
    // issue 11 item 10: an explicit port that is not the request's is another origin.
    expect(same('http://app.test:443', 'app.test')).toBe(false);
    expect(same('https://app.test:80', 'app.test')).toBe(false);
    expect(same('http://app.test:443', 'app.test:443')).toBe(true);
    expect(same('http://app.test', 'app.test:443')).toBe(false);
    expect(same('https://app.test', 'app.test:80')).toBe(false);
    expect(same('http://[::1]:6001', '[::1]:6001')).toBe(true);
  });

  it('keeps the same host allowed next to listed origins, unless excluded with !', () => {
    const listed = createOriginMatcher(['https://cdn.example.com']);
    expect(listed('https://app.test', 'app.test')).toBe(true);
    expect(listed('https://cdn.example.com', 'app.test')).toBe(true);
    expect(listed('https://evil.test', 'app.test')).toBe(false);
    expect(createOriginMatcher(['!same-host', 'https://cdn.example.com'])('https://app.test', 'app.test')).toBe(false);
    expect(createOriginMatcher(['!https://app.test'])('https://app.test', 'app.test')).toBe(false);
    expect(createOriginMatcher(['!*.evil.test', '*'])('https://a.evil.test', 'x')).toBe(false);
    expect(createOriginMatcher(['!*.evil.test', '*'])('https://app.test', 'x')).toBe(true);
    expect(createOriginPolicy(['https://cdn.example.com'])('https://app.test', 'app.test')).toBe('same-host');
  });

  it('matches full origins exactly, scheme included', () => {
    const match = createOriginMatcher(['https://app.test/']);
    expect(match('https://app.test', 'x')).toBe(true);
    expect(match('https://app.test:443', 'x')).toBe(true);
    expect(match('http://app.test', 'x')).toBe(false);
    expect(match('https://app.test:8443', 'x')).toBe(false);
  });

  it('matches bare hosts on any port, hosts with a port on that port only', () => {
    expect(createOriginMatcher(['app.test'])('http://app.test:5173', 'x')).toBe(true);
    expect(createOriginMatcher(['app.test:5173'])('http://app.test:5173', 'x')).toBe(true);
    expect(createOriginMatcher(['app.test:5173'])('http://app.test:5174', 'x')).toBe(false);
  });

  it('expands * wildcards without letting a look-alike domain through', () => {
    const match = createOriginMatcher(['*.example.com', 'https://*.pages.dev']);
    expect(match('https://a.example.com', 'x')).toBe(true);
    expect(match('https://a.b.example.com', 'x')).toBe(true);
    expect(match('https://example.com', 'x')).toBe(false);
    expect(match('https://evilexample.com', 'x')).toBe(false);
    expect(match('https://example.com.evil.test', 'x')).toBe(false);
    expect(match('https://preview.pages.dev', 'x')).toBe(true);
    expect(match('http://preview.pages.dev', 'x')).toBe(false);
  });

  it('treats regex characters in entries literally', () => {
    const match = createOriginMatcher(['app.test']);
    expect(match('https://appxtest', 'x')).toBe(false);
  });

  it('refuses opaque and malformed origins unless * allows everything', () => {
    expect(createOriginMatcher([])('null', 'app.test')).toBe(false);
    expect(createOriginMatcher(['app.test'])('not a url', 'x')).toBe(false);
    expect(createOriginMatcher(['*'])('null', 'x')).toBe(true);
    expect(createOriginMatcher(['app.test', '*'])('https://any.test', 'x')).toBe(true);
  });
});

describe('createOriginGuard', () => {
  const context = (origin: string | undefined, host = 'app.test'): HandshakeContext => ({
    req: { headers: origin === undefined ? {} : { origin } } as IncomingMessage,
    ip: '203.0.113.9', host, app: undefined, now: 0, connectionCount: 0, appConnectionCount: 0,
  });

  it('lets requests without Origin through (native apps, servers)', () => {
    expect(createOriginGuard(['https://app.test']).check(context(undefined))).toEqual({ ok: true });
  });

  it('answers a foreign origin with 4009 after the upgrade', () => {
    const guard = createOriginGuard([]);
    expect(guard.stage).toBe('after-upgrade');
    const verdict = guard.check(context('https://evil.test'));
    expect(verdict).toMatchObject({ ok: false, entry: CODES.originNotAllowed });
    expect(CODES.originNotAllowed.code).toBe(4009);
  });
});
