// Pusher HTTP API and channel-auth signatures, as a Laravel app (pusher-php) computes them.
// See /work/shared/reference/pusher-protocol-and-laravel.md A4 (channel auth) and A5 (HTTP API).
import { createHash, createHmac } from 'node:crypto';

/**
 * Signed query string for an HTTP API request.
 * String to sign: METHOD \n path \n sorted "k=v" params (not URL-escaped), excluding auth_signature.
 */
export function signApiQuery({ method, path, body, key, secret, timestamp }) {
  const params = {
    auth_key: key,
    auth_timestamp: String(timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
  };
  if (body && body.length > 0) params.body_md5 = createHash('md5').update(body).digest('hex');
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  const signature = createHmac('sha256', secret).update(`${method}\n${path}\n${query}`).digest('hex');
  return `${query}&auth_signature=${signature}`;
}

/** `auth` token for a presence subscription: key:hex(hmac(secret, socketId:channel:channelData)). */
export function presenceAuth({ key, secret, socketId, channel, channelData }) {
  const sig = createHmac('sha256', secret).update(`${socketId}:${channel}:${channelData}`).digest('hex');
  return `${key}:${sig}`;
}
