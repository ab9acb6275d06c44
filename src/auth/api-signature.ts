import { hmacSha256Hex, md5Hex, safeEqual } from './signatures.js';

/**
 * Pusher REST API request signing (../shared/reference/pusher-protocol-and-laravel.md §A5):
 * `METHOD\npath\nquery` where query is every param but auth_signature, keys lower-cased and
 * sorted, joined unescaped.
 */
export function apiStringToSign(method: string, path: string, params: ReadonlyMap<string, string>): string {
  // Signers send lower-case names in sorted order (auth_signature aside), so the query is
  // usually joined in one pass; any other order falls back to sorting.
  let query = '';
  let previous = '';
  for (const [name, value] of params) {
    if (name === 'auth_signature') continue;
    if (name <= previous || name !== name.toLowerCase()) return `${method.toUpperCase()}\n${path}\n${sortedQuery(params)}`;
    previous = name;
    query += query === '' ? `${name}=${value}` : `&${name}=${value}`;
  }
  return `${method.toUpperCase()}\n${path}\n${query}`;
}

function sortedQuery(params: ReadonlyMap<string, string>): string {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of params) if (name !== 'auth_signature') entries.push([name.toLowerCase(), value]);
  entries.sort(byName);
  return entries.map(([name, value]) => `${name}=${value}`).join('&');
}

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export type ApiSignatureCheck = { ok: true } | { ok: false; reason: string };

const OK: ApiSignatureCheck = { ok: true };

/** Exactly `length` characters of 0-9a-f (what hash_hmac and md5 hex look like). */
function isLowerHex(value: string, length: number): boolean {
  if (value.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
const BODY_MISMATCH: ApiSignatureCheck = { ok: false, reason: 'body_md5 does not match the body' };
const SIGNATURE_MISMATCH: ApiSignatureCheck = { ok: false, reason: 'auth_signature does not match (check the app secret)' };

export interface ApiQueryInput {
  method: string;
  path: string;
  params: ReadonlyMap<string, string>;
  /** The query part of the string to sign when the raw query already is it (see parseApiTarget). */
  signedQuery?: string | undefined;
  key: string;
  secret: string;
  nowSeconds: number;
  maxSkewSeconds?: number;
  /** The request announced a body (Content-Length > 0), so body_md5 must be there. */
  expectsBody: boolean;
}

/**
 * Everything the query alone can prove: key, version, the ±600 s window and the HMAC (body_md5 is
 * one of the signed params). Runs before the body is read, so a request that cannot be valid is
 * refused without reading it; `verifyBodyMd5` then ties the body to the signed body_md5.
 */
export function verifyApiQuery(input: ApiQueryInput): ApiSignatureCheck {
  const { params } = input;
  if (params.get('auth_key') !== input.key) return { ok: false, reason: 'auth_key does not match the app key' };
  const version = params.get('auth_version');
  if (version !== undefined && version !== '1.0') return { ok: false, reason: 'auth_version must be 1.0' };
  const timestamp = Number(params.get('auth_timestamp'));
  if (!Number.isFinite(timestamp)) return { ok: false, reason: 'auth_timestamp is missing' };
  if (Math.abs(input.nowSeconds - timestamp) > (input.maxSkewSeconds ?? 600)) {
    return { ok: false, reason: 'auth_timestamp is more than 600 s away from the server clock' };
  }
  if (input.expectsBody) {
    const given = params.get('body_md5');
    if (given === undefined || !isLowerHex(given, 32)) return BODY_MISMATCH;
  }
  const signature = params.get('auth_signature');
  if (!signature) return { ok: false, reason: 'auth_signature is missing' };
  // Only lower-case hex can equal the digest (pusher-php sends hash_hmac's lower-case hex).
  if (!isLowerHex(signature, 64)) return SIGNATURE_MISMATCH;
  const toSign = input.signedQuery === undefined
    ? apiStringToSign(input.method, input.path, params)
    : `${input.method.toUpperCase()}\n${input.path}\n${input.signedQuery}`;
  const expected = hmacSha256Hex(input.secret, toSign);
  return safeEqual(signature, expected) ? OK : SIGNATURE_MISMATCH;
}

/** A non-empty body must hash to the signed body_md5. */
export function verifyBodyMd5(body: Buffer, params: ReadonlyMap<string, string>): ApiSignatureCheck {
  if (body.length === 0) return OK;
  const given = params.get('body_md5');
  return given !== undefined && safeEqual(given, md5Hex(body)) ? OK : BODY_MISMATCH;
}

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

/** Query and body together, for callers that already hold the whole request. */
export function verifyApiSignature(input: ApiSignatureInput): ApiSignatureCheck {
  const query = verifyApiQuery({ ...input, expectsBody: input.body.length > 0 });
  return query.ok ? verifyBodyMd5(input.body, input.params) : query;
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
