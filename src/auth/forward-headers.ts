import type { HandshakeHeaders } from '../connections/connection.js';

// Sent as the browser sent them on the WebSocket handshake.
const COPIED = ['cookie', 'authorization', 'user-agent', 'origin', 'referer', 'accept-language'] as const;

/** The value of one cookie from a Cookie header, URL-decoded as axios and Laravel do. */
export function readCookie(cookieHeader: string, name: string): string | undefined {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/**
 * The headers of the auth request the sidecar sends to Laravel on the browser's behalf: the
 * credentials of the WebSocket handshake (Cookie, Authorization, and the XSRF-TOKEN cookie copied
 * into X-XSRF-TOKEN as axios does, for Sanctum's stateful CSRF check), X-Socket-ID as Echo sends
 * it, and X-Forwarded-* so Laravel (trusting the sidecar as a proxy) sees the browser's IP, host
 * and scheme. Each X-Forwarded-* is something the sidecar vouches for, since Laravel believes it:
 * For is the client IP resolved behind --trust-proxy; Host only comes from a trusted proxy (see
 * upgrade.ts), never from the client's own Host header; Proto is the trusted proxy's, else http
 * (the sidecar itself speaks plain HTTP).
 */
export function buildAuthRequestHeaders(handshake: HandshakeHeaders, socketId: string, ip: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'x-socket-id': socketId,
  };
  for (const name of COPIED) {
    const value = handshake[name];
    if (value !== undefined) headers[name] = value;
  }
  const xsrf = handshake.cookie === undefined ? undefined : readCookie(handshake.cookie, 'XSRF-TOKEN');
  if (xsrf) headers['x-xsrf-token'] = xsrf;
  if (ip) headers['x-forwarded-for'] = ip;
  const host = handshake['x-forwarded-host'];
  if (host !== undefined) headers['x-forwarded-host'] = host;
  headers['x-forwarded-proto'] = handshake['x-forwarded-proto']?.split(',')[0]?.trim() || 'http';
  return headers;
}
