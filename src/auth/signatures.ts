import { hash } from 'node:crypto';
import { hmacSha256Hex } from './hmac-sha256.js';

export { hmacSha256Hex };

export function md5Hex(body: string | Buffer): string {
  return hash('md5', body, 'hex');
}

/**
 * Constant-time string equality: one pass over all of `a` whatever the content, no early exit.
 * Compares UTF-16 code units, so it needs no Buffer per call (signature checks are on the publish
 * and subscribe hot paths); a length difference is folded into the result, not returned early.
 */
export function safeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  // Past the end of `b`, charCodeAt gives NaN, which `^` treats as 0: the pass length stays a's.
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The string a channel subscription signs: `socket_id:channel[:channel_data]`, exactly as sent. */
export function channelAuthString(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

export function userAuthString(socketId: string, userData: string): string {
  return `${socketId}::user::${userData}`;
}

export function signToken(key: string, secret: string, payload: string): string {
  return `${key}:${hmacSha256Hex(secret, payload)}`;
}

/** Verifies an `auth` token `key:hex` against the app's key and secret, in constant time. */
export function verifyToken(token: string, key: string, secret: string, payload: string): boolean {
  return safeEqual(token, signToken(key, secret, payload));
}
