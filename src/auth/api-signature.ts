import { hmacSha256Hex, md5Hex, safeEqual } from './signatures.js';

/**
 * Pusher REST API request signing (../shared/reference/pusher-protocol-and-laravel.md §A5):
 * `METHOD\npath\nquery` where query is every param but auth_signature, keys lower-cased and
 * sorted, joined unescaped.
 */
export function apiStringToSign(method: string, path: string, params: ReadonlyMap<string, string>): string {
  const query = [...params]
    .filter(([name]) => name !== 'auth_signature')
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${method.toUpperCase()}\n${path}\n${query}`;
}

export type ApiSignatureCheck = { ok: true } | { ok: false; reason: string };

export interface ApiSignatureInput {
  method: string;
  path: string;
  params: ReadonlyMap<string, string>;
  body: Buffer;
  key: string;
  secret: string;
  nowSeconds: number;
  maxSkewSeconds?: number;
}

export function verifyApiSignature(input: ApiSignatureInput): ApiSignatureCheck {
  const { params } = input;
  if (params.get('auth_key') !== input.key) return { ok: false, reason: 'auth_key does not match the app key' };
  const version = params.get('auth_version');
  if (version !== undefined && version !== '1.0') return { ok: false, reason: 'auth_version must be 1.0' };
  const timestamp = Number(params.get('auth_timestamp'));
  if (!Number.isFinite(timestamp)) return { ok: false, reason: 'auth_timestamp is missing' };
  if (Math.abs(input.nowSeconds - timestamp) > (input.maxSkewSeconds ?? 600)) {
    return { ok: false, reason: 'auth_timestamp is more than 600 s away from the server clock' };
  }
  if (input.body.length > 0) {
    const expected = md5Hex(input.body);
    const given = params.get('body_md5');
    if (given === undefined || !safeEqual(given, expected)) return { ok: false, reason: 'body_md5 does not match the body' };
  }
  const signature = params.get('auth_signature');
  if (!signature) return { ok: false, reason: 'auth_signature is missing' };
  const expected = hmacSha256Hex(input.secret, apiStringToSign(input.method, input.path, params));
  if (!safeEqual(signature, expected)) return { ok: false, reason: 'auth_signature does not match (check the app secret)' };
  return { ok: true };
}

export interface SignApiRequestInput {
  method: string;
  /** The /apps/... path, without any proxy prefix. */
  path: string;
  key: string;
  secret: string;
  nowSeconds: number;
  body?: string;
  params?: Record<string, string>;
}

/**
 * The client side of `verifyApiSignature`, as pusher-php signs: returns the query string (with
 * auth_signature) for a call to the sidecar's HTTP API. Used by `pusher-sidecar doctor`.
 */
export function signApiRequest(input: SignApiRequestInput): string {
  const params = new Map<string, string>(Object.entries(input.params ?? {}));
  params.set('auth_key', input.key);
  params.set('auth_timestamp', String(input.nowSeconds));
  params.set('auth_version', '1.0');
  if (input.body !== undefined && input.body.length > 0) params.set('body_md5', md5Hex(input.body));
  params.set('auth_signature', hmacSha256Hex(input.secret, apiStringToSign(input.method, input.path, params)));
  return [...params].map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}
