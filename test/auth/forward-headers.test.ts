import { describe, expect, it } from 'vitest';
import { buildAuthRequestHeaders, readCookie } from '../../src/auth/forward-headers.js';

describe('buildAuthRequestHeaders', () => {
  it('replays the browser credentials and copies the XSRF cookie into X-XSRF-TOKEN as axios does', () => {
    const headers = buildAuthRequestHeaders({
      cookie: 'XSRF-TOKEN=eyJpdiI6%3D%3D; laravel_session=abc',
      authorization: 'Bearer t0k3n',
      'user-agent': 'Mozilla/5.0',
      origin: 'https://app.test',
      host: '127.0.0.1:6001',
      'x-forwarded-host': 'app.test',
      'x-forwarded-proto': 'https',
    }, '123.456', '203.0.113.9');
    expect(headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'x-socket-id': '123.456',
      cookie: 'XSRF-TOKEN=eyJpdiI6%3D%3D; laravel_session=abc',
      authorization: 'Bearer t0k3n',
      'user-agent': 'Mozilla/5.0',
      origin: 'https://app.test',
      'x-xsrf-token': 'eyJpdiI6==',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-host': 'app.test',
      'x-forwarded-proto': 'https',
    });
  });

  it('never turns the client\'s own Host into X-Forwarded-Host, and sends no credentials it did not get', () => {
    const headers = buildAuthRequestHeaders({ host: 'evil.test' }, '1.2', '198.51.100.4');
    expect(headers).toMatchObject({ 'x-forwarded-proto': 'http', 'x-forwarded-for': '198.51.100.4' });
    expect(headers).not.toHaveProperty('x-forwarded-host');
    expect(headers).not.toHaveProperty('host');
    expect(headers).not.toHaveProperty('cookie');
    expect(headers).not.toHaveProperty('x-xsrf-token');
  });
});

describe('readCookie', () => {
  it('finds one cookie by exact name and tolerates bad escapes', () => {
    expect(readCookie('a=1; XSRF-TOKEN=x%20y; b=2', 'XSRF-TOKEN')).toBe('x y');
    expect(readCookie('MY-XSRF-TOKEN=no', 'XSRF-TOKEN')).toBeUndefined();
    expect(readCookie('XSRF-TOKEN=%E0%A4%A', 'XSRF-TOKEN')).toBe('%E0%A4%A');
  });
});
