import type { IncomingMessage } from 'node:http';
import type { App } from '../apps/app.js';
import type { CodeEntry } from '../protocol/codes.js';

/** What a guard sees of one WebSocket handshake. */
export interface HandshakeContext {
  req: IncomingMessage;
  /** Client IP after --trust-proxy resolution. */
  ip: string;
  /** Host the client asked for (X-Forwarded-Host from a trusted proxy, else Host). */
  host: string | undefined;
  app: App | undefined;
  now: number;
  connectionCount: number;
  appConnectionCount: number;
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; entry: CodeEntry; detail: string; retryAfterSeconds?: number };

/**
 * `before-upgrade` guards answer with an HTTP status (cheap under attack: no WebSocket is made);
 * `after-upgrade` guards answer with pusher:error + a close code, which pusher-js acts on.
 */
export interface HandshakeGuard {
  readonly name: string;
  readonly stage: 'before-upgrade' | 'after-upgrade';
  check(context: HandshakeContext): GuardVerdict;
}

export const ALLOW: GuardVerdict = { ok: true };
