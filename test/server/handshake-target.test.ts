import { describe, expect, it } from 'vitest';
import { parseRequestUrl } from '../../src/http/request-url.js';
import { parseHandshakeTarget } from '../../src/server/handshake-target.js';

/** What the upgrade path read before: the WHATWG split and URLSearchParams.get. */
function reference(target: string): { pathname: string; protocol: string | undefined } | undefined {
  const url = parseRequestUrl(target);
  return url ? { pathname: url.pathname, protocol: url.searchParams.get('protocol') ?? undefined } : undefined;
}

describe('parseHandshakeTarget', () => {
  it('reads what pusher-js sends, and refuses what cannot be parsed', () => {
    expect(parseHandshakeTarget('/app/key?protocol=7&client=js&version=8.4.0&flash=false')).toEqual({ pathname: '/app/key', protocol: '7' });
    expect(parseHandshakeTarget('/app/key')).toEqual({ pathname: '/app/key', protocol: undefined });
    expect(parseHandshakeTarget('http://[')).toBeUndefined();
  });

  it('answers what the URL parser and URLSearchParams answer', () => {
    const queries = ['', '?', '?protocol', '?protocol=', '?protocol=7', '?protocol=7&protocol=5', '?x=1&protocol=6', '?protocolx=1&protocol=5',
      '?xprotocol=1', '?protocol=a=b', '?&&protocol=7&', '?protocol=%37', '?proto%63ol=7', '?protocol=7+1', '?protocol=a%ZZ', '?=protocol',
      '?protocol&protocol=7', '?PROTOCOL=7', '?protocol=7#frag'];
    const paths = ['/app/key', '/app/key/', '/a/../app/key', '//app/key', '/app/%6Bey', 'http://h/app/key', '*', '/app/./key'];
    for (const path of paths) for (const query of queries) expect(parseHandshakeTarget(path + query), path + query).toEqual(reference(path + query));
  });

  it('agrees with URLSearchParams on every short query over the characters that matter', () => {
    const alphabet = ['p', 'protocol', '=', '&', '7'];
    let queries = [''];
    for (let length = 1; length <= 5; length++) {
      queries = queries.flatMap((q) => alphabet.map((c) => q + c));
      for (const query of queries) expect(parseHandshakeTarget(`/app/k?${query}`)?.protocol, query).toBe(reference(`/app/k?${query}`)?.protocol);
    }
  });
});
