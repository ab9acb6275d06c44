import type { HandshakeHeaders } from '../connections/connection.js';

/**
 * Server-side auth: when a client subscribes (or signs in) with an empty `auth`, the sidecar asks
 * Laravel itself, as the browser, and verifies the reply like any client-supplied signature.
 */
export interface ChannelAuthRequest {
  socketId: string;
  channel: string;
  headers: HandshakeHeaders;
  ip: string;
  /** True once nobody waits for the answer (socket closed, unsubscribed): a queued request is then dropped unsent. */
  isStale?: () => boolean;
}

export interface UserAuthRequest {
  socketId: string;
  headers: HandshakeHeaders;
  ip: string;
  isStale?: () => boolean;
}

export type ForwardFailure = { ok: false; status: number; reason: string };

export type ChannelAuthResult = { ok: true; auth: string; channelData?: string; sharedSecret?: string } | ForwardFailure;

export type UserAuthResult = { ok: true; auth: string; userData: string } | ForwardFailure;

export interface AuthForwarder {
  readonly canAuthorizeChannels: boolean;
  readonly canAuthenticateUsers: boolean;
  authorizeChannel(request: ChannelAuthRequest): Promise<ChannelAuthResult>;
  authenticateUser(request: UserAuthRequest): Promise<UserAuthResult>;
  /** Releases connections to Laravel; pending requests fail with 503. */
  close?(): Promise<void>;
}

/** Headers worth keeping from the handshake when auth forwarding is on. */
export const FORWARDED_HANDSHAKE_HEADERS = [
  'cookie', 'authorization', 'user-agent', 'origin', 'referer',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'accept-language',
] as const;
