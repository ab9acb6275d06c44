import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { CODES, type CodeEntry } from '../protocol/codes.js';

export type AccessVerdict = { ok: true } | { ok: false; entry: CodeEntry; error: string };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Hostname of a Host header (`127.0.0.1:9601`, `[::1]:9601`, `localhost`), or undefined. */
function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? undefined : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** Is the loopback/IP listener being asked by name, as a DNS-rebinding page would? */
function isAddressedByIpOrLocalhost(req: IncomingMessage): boolean {
  const name = hostnameOf(req.headers.host)?.toLowerCase();
  return name !== undefined && (name === 'localhost' || isIP(name) !== 0);
}

/**
 * Who may read the console. With a token: whoever sends `Authorization: Bearer TOKEN` (compared
 * in constant time). Without one (loopback by default): any local process, but only when the
 * request is addressed to an IP or localhost, so a web page on a rebinding DNS name cannot read it.
 */
export function checkAccess(req: IncomingMessage, token: string): AccessVerdict {
  if (token !== '') {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (given === '') return { ok: false, entry: CODES.httpDashboardUnauthorized, error: 'This console needs its token (--dashboard-token): open it as /#token=THE_TOKEN or enter the token on the page' };
    if (!timingSafeEqual(digest(given), digest(token))) return { ok: false, entry: CODES.httpDashboardUnauthorized, error: 'Wrong console token (--dashboard-token)' };
    return { ok: true };
  }
  if (!isAddressedByIpOrLocalhost(req)) {
    return { ok: false, entry: CODES.httpDashboardForbidden, error: 'Without --dashboard-token the console answers only requests to an IP address or localhost' };
  }
  return { ok: true };
}

/**
 * A state-changing request (the test event) must come from the console page itself: JSON (which
 * a cross-site form cannot send without a preflight we never answer) and, when the browser says
 * where it comes from, from this same origin.
 */
export function checkWriteRequest(req: IncomingMessage): AccessVerdict {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { ok: false, entry: CODES.httpBadRequest, error: 'Send the test event as Content-Type: application/json' };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    return { ok: false, entry: CODES.httpDashboardForbidden, error: 'A test event must come from the console page itself (Origin does not match)' };
  }
  return { ok: true };
}
