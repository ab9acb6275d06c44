import Pusher from 'pusher';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signApiRequest, verifyApiSignature } from '../../src/auth/api-signature.js';

describe('signApiRequest', () => {
  afterEach(() => vi.useRealTimers());

  it('produces what verifyApiSignature accepts, for GET and for POST with a body', () => {
    for (const [method, body] of [['GET', undefined], ['POST', '{"name":"x","channel":"c","data":"{}"}']] as const) {
      const query = signApiRequest({ method, path: '/apps/1/events', key: 'k', secret: 's', nowSeconds: 1_700_000_000, ...(body ? { body } : {}) });
      const params = new Map(new URLSearchParams(query));
      const check = verifyApiSignature({ method, path: '/apps/1/events', params, body: Buffer.from(body ?? ''), key: 'k', secret: 's', nowSeconds: 1_700_000_000 });
      expect(check).toEqual({ ok: true });
      expect(verifyApiSignature({ method, path: '/apps/1/events', params, body: Buffer.from(body ?? ''), key: 'k', secret: 'other', nowSeconds: 1_700_000_000 }).ok).toBe(false);
    }
  });

  it('matches the pusher SDK\'s signature for the same request', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const sdk = new Pusher({ appId: '1', key: 'k', secret: 's', host: 'h' }) as unknown as { createSignedQueryString(o: object): string };
    const body = '{"name":"e","channels":["c"],"data":"{}"}';
    const ours = new URLSearchParams(signApiRequest({ method: 'POST', path: '/apps/1/events', key: 'k', secret: 's', nowSeconds: 1_700_000_000, body }));
    const theirs = new URLSearchParams(sdk.createSignedQueryString({ method: 'POST', path: '/apps/1/events', body }));
    expect(theirs.get('auth_timestamp')).toBe('1700000000');
    expect(ours.get('auth_signature')).toBe(theirs.get('auth_signature'));
  });
});
