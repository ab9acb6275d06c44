import { describe, expect, it } from 'vitest';
import { apiStringToSign } from '../../src/auth/api-signature.js';
import { parseApiTarget } from '../../src/http/request-url.js';

/** What URLSearchParams.get answers for each name (first occurrence wins). */
function reference(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(query)) if (!out.has(name)) out.set(name, value);
  return out;
}

describe('parseApiTarget', () => {
  it('splits the query exactly as URLSearchParams does, by hand or through it', () => {
    const queries = [
      'auth_key=k&auth_timestamp=1&auth_version=1.0&body_md5=abc&auth_signature=def',
      '', 'a', 'a=', '=b', '&&a=1&&', 'a=1&a=2', 'a=b=c', 'info=user_count%2Csubscription_count', 'x=a+b', 'x=%E0%A4%A', 'k=%',
    ];
    for (const query of queries) {
      expect(parseApiTarget(`/apps/1/events?${query}`)?.params, query).toEqual(reference(query));
    }
  });

  it('offers the raw query as the signed query only where it equals the rebuilt one', () => {
    const canonical = [
      'auth_key=k&auth_timestamp=1&auth_version=1.0&body_md5=abc&auth_signature=def',
      'auth_signature=def&auth_key=k&auth_timestamp=1',
      'auth_key=k&auth_signature=def&auth_timestamp=1&info=user_count',
      'auth_key=k&auth_timestamp=1', 'auth_signature=x', 'a=', 'a=b=c',
    ];
    const other = [
      'auth_timestamp=1&auth_key=k&auth_signature=def', 'Auth_key=k&auth_timestamp=1', 'a=1&a=2', 'a', 'a=1&&b=2', 'a=1&',
      'auth_key=k&auth_signature=x&auth_signature=y', 'x=a+b', 'info=user_count%2Csubscription_count', '',
    ];
    for (const query of [...canonical, ...other]) {
      const target = parseApiTarget(`/apps/1/events?${query}`)!;
      const rebuilt = apiStringToSign('POST', '/p', target.params).split('\n')[2];
      if (canonical.includes(query)) expect(target.signedQuery, query).toBe(rebuilt);
      else expect(target.signedQuery, query).toBeUndefined();
    }
    expect(parseApiTarget('/apps/1/events')?.signedQuery).toBe('');
  });

  it('keeps the path percent-encoded and refuses what no URL parser reads', () => {
    expect(parseApiTarget('/apps/a%2Fb/events?x=1')).toMatchObject({ pathname: '/apps/a%2Fb/events' });
    expect(parseApiTarget('/a/../apps/1/events')).toMatchObject({ pathname: '/apps/1/events' });
    expect(parseApiTarget('http://[')).toBeUndefined();
  });
});
