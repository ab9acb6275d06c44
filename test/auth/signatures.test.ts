import { describe, expect, it } from 'vitest';
import { apiStringToSign, verifyApiSignature } from '../../src/auth/api-signature.js';
import { channelAuthString, hmacSha256Hex, md5Hex, safeEqual, userAuthString, verifyToken } from '../../src/auth/signatures.js';

// Published Pusher vectors, recomputed in ../shared/reference/pusher-protocol-and-laravel.md §A4–A5.
const KEY = '278d425bdf160c739803';
const SECRET = '7ad3773142a6692b25b8';

describe('channel and user signatures', () => {
  it('matches the published private-channel vector', () => {
    expect(hmacSha256Hex(SECRET, channelAuthString('1234.1234', 'private-foobar'))).toBe('58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4');
    expect(verifyToken(`${KEY}:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4`, KEY, SECRET, '1234.1234:private-foobar')).toBe(true);
  });

  it('matches the presence and user vectors, signing channel_data byte for byte', () => {
    const data = '{"user_id":10,"user_info":{"name":"Mr. Channels"}}';
    expect(hmacSha256Hex(SECRET, channelAuthString('1234.1234', 'presence-foobar', data))).toBe('31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80');
    expect(hmacSha256Hex(SECRET, userAuthString('1234.1234', '{"id":"12345"}'))).toBe('4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba');
  });

  it('rejects a wrong key, a wrong secret and a truncated token', () => {
    const token = `${KEY}:${hmacSha256Hex(SECRET, '1.1:private-a')}`;
    expect(verifyToken(token, 'other-key', SECRET, '1.1:private-a')).toBe(false);
    expect(verifyToken(token, KEY, 'other', '1.1:private-a')).toBe(false);
    expect(verifyToken(token.slice(0, -1), KEY, SECRET, '1.1:private-a')).toBe(false);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });

  it('compares strings exactly, whatever their lengths and content', () => {
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual('a', '')).toBe(false);
    expect(safeEqual('abcd', 'abc')).toBe(false);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc\u0000', 'abc')).toBe(false);
    expect(safeEqual('ключ', 'ключ')).toBe(true);
    expect(safeEqual('ключ', 'ключа')).toBe(false);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('HTTP API signatures', () => {
  const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';
  const params = new Map([
    ['auth_key', KEY], ['auth_timestamp', '1353088179'], ['auth_version', '1.0'], ['body_md5', 'ec365a775a4cd0599faeb73354201b6f'],
    ['auth_signature', 'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c'],
  ]);

  it('reproduces the documented worked example', () => {
    expect(md5Hex(body)).toBe('ec365a775a4cd0599faeb73354201b6f');
    expect(apiStringToSign('POST', '/apps/3/events', params)).toBe(
      `POST\n/apps/3/events\nauth_key=${KEY}&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f`,
    );
    expect(verifyApiSignature({ method: 'POST', path: '/apps/3/events', params, body: Buffer.from(body), key: KEY, secret: SECRET, nowSeconds: 1353088179 })).toEqual({ ok: true });
  });

  it('refuses clock skew over 600 s, another body and another path', () => {
    const input = { method: 'POST', path: '/apps/3/events', params, body: Buffer.from(body), key: KEY, secret: SECRET, nowSeconds: 1353088179 };
    expect(verifyApiSignature({ ...input, nowSeconds: 1353088179 + 601 }).ok).toBe(false);
    expect(verifyApiSignature({ ...input, nowSeconds: 1353088179 - 600 }).ok).toBe(true);
    expect(verifyApiSignature({ ...input, body: Buffer.from(body + ' ') }).ok).toBe(false);
    expect(verifyApiSignature({ ...input, path: '/apps/4/events' }).ok).toBe(false);
  });

  it('sorts lower-cased keys and signs values unescaped', () => {
    const query = new Map([['info', 'user_count,subscription_count'], ['Auth_Key', 'k'], ['filter_by_prefix', 'presence-']]);
    expect(apiStringToSign('get', '/apps/1/channels', query)).toBe('GET\n/apps/1/channels\nauth_key=k&filter_by_prefix=presence-&info=user_count,subscription_count');
  });
});
