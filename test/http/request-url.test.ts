import { describe, expect, it } from 'vitest';
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

  it('keeps the path percent-encoded and refuses what no URL parser reads', () => {
    expect(parseApiTarget('/apps/a%2Fb/events?x=1')).toMatchObject({ pathname: '/apps/a%2Fb/events' });
    expect(parseApiTarget('/a/../apps/1/events')).toMatchObject({ pathname: '/apps/1/events' });
    expect(parseApiTarget('http://[')).toBeUndefined();
  });
});
