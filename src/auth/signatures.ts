import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export function md5Hex(body: string | Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** Constant-time string equality; unequal lengths return false without early exit on content. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
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
