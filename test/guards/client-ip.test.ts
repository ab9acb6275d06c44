import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createProxyMatcher, peerAddress, rateLimitKey, resolveClientIp, resolveRequestHost } from '../../src/guards/client-ip.js';

function request(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('createProxyMatcher', () => {
  const trusted = createProxyMatcher(['127.0.0.1/8', '::1/128', '10.0.0.0/8', '192.0.2.10']);

  it('matches CIDRs and single addresses of both families, IPv4-mapped IPv6 included', () => {
    expect(trusted('127.0.0.1')).toBe(true);
    expect(trusted('127.9.9.9')).toBe(true);
    expect(trusted('::ffff:127.0.0.1')).toBe(true);
    expect(trusted('::1')).toBe(true);
    expect(trusted('10.200.0.1')).toBe(true);
    expect(trusted('192.0.2.10')).toBe(true);
    expect(trusted('192.0.2.11')).toBe(false);
    expect(trusted('2001:db8::1')).toBe(false);
    expect(trusted('garbage')).toBe(false);
  });
});

describe('resolveClientIp', () => {
  const trusted = createProxyMatcher(['127.0.0.1/8', '10.0.0.0/8']);

  it('uses the TCP peer when it is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp(request('203.0.113.5', { 'x-forwarded-for': '1.1.1.1' }), trusted)).toBe('203.0.113.5');
  });

  it('takes the right-most hop that is not a trusted proxy', () => {
    const forged = request('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.2' });
    expect(resolveClientIp(forged, trusted)).toBe('203.0.113.5');
  });

  it('uses the peer when a trusted proxy sent no X-Forwarded-For (local development)', () => {
    expect(resolveClientIp(request('::ffff:127.0.0.1'), trusted)).toBe('127.0.0.1');
  });

  it('reads hops with ports and IPv6 brackets', () => {
    expect(resolveClientIp(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.5:51234' }), trusted)).toBe('203.0.113.5');
    expect(resolveClientIp(request('127.0.0.1', { 'x-forwarded-for': '[2001:db8::7]:443' }), trusted)).toBe('2001:db8::7');
  });

  it('stops at a hop that is not an address and uses the nearest proxy', () => {
    expect(resolveClientIp(request('127.0.0.1', { 'x-forwarded-for': 'unknown' }), trusted)).toBe('127.0.0.1');
    expect(resolveClientIp(request('127.0.0.1', { 'x-forwarded-for': 'evil, 10.0.0.3' }), trusted)).toBe('10.0.0.3');
  });

  it('falls back to the left-most hop when every hop is a trusted proxy', () => {
    expect(resolveClientIp(request('127.0.0.1', { 'x-forwarded-for': '10.0.0.9, 10.0.0.2' }), trusted)).toBe('10.0.0.9');
  });
});

describe('resolveRequestHost', () => {
  const trusted = createProxyMatcher(['127.0.0.1/8']);

  it('believes X-Forwarded-Host only from a trusted proxy', () => {
    expect(resolveRequestHost(request('127.0.0.1', { host: '127.0.0.1:6001', 'x-forwarded-host': 'App.test' }), trusted)).toBe('app.test');
    expect(resolveRequestHost(request('203.0.113.5', { host: 'app.test', 'x-forwarded-host': 'evil.test' }), trusted)).toBe('app.test');
    expect(trusted(peerAddress(request('203.0.113.5')))).toBe(false);
    expect(trusted(peerAddress(request('::ffff:127.0.0.1')))).toBe(true);
  });
});

describe('rateLimitKey', () => {
  it('keeps IPv4 addresses and reduces IPv6 to its /64', () => {
    expect(rateLimitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKey('2001:0db8:0001:0002:0003:0004:0005:0006')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });
});
