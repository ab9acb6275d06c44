/**
 * What one line of the debug console says. Built only from ids, names, numbers and our own
 * messages: never from an App (its secret) or a Connection (its handshake headers and cookies).
 */

export const ENTRY_KINDS = ['connection', 'subscription', 'api', 'client_event', 'signin', 'auth', 'webhook', 'rejection', 'console'] as const;

export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface ConsoleEntryInput {
  time: number;
  kind: EntryKind;
  /** Short headline, e.g. "opened", "closed 4009", "subscribed". */
  text: string;
  /** Which process saw it: this node's name, or a peer's when a cluster bus feeds the console. */
  node?: string;
  app?: string;
  socketId?: string;
  ip?: string;
  channel?: string;
  event?: string;
  code?: number;
  /** The catalogue id (e.g. origin_not_allowed). */
  reason?: string;
  /** The catalogue's fix for the code. */
  fix?: string;
  /** Event data, already truncated. */
  data?: string;
  bytes?: number;
  ms?: number;
  status?: number;
}

export interface ConsoleEntry extends ConsoleEntryInput {
  seq: number;
  node: string;
}

/** Characters of event data a console line keeps. */
export const DATA_PREVIEW_CHARS = 200;

// A Pusher auth signature is `key:` + 64 hex digits of HMAC-SHA256; a bare 64-hex run is one too.
// Our own messages never carry one, but a detail string echoed from elsewhere (a Laravel reply)
// might: this is the second net, as the logger's redaction list is.
const SIGNATURE = /\b[0-9a-f]{64}\b/gi;
const AUTH_PAIR = /\b([A-Za-z0-9_-]{1,100}):[0-9a-f]{40,}\b/gi;
const COOKIE_OR_BEARER = /\b(cookie|set-cookie|authorization|x-xsrf-token|x-csrf-token)\s*[:=]\s*[^\s,;]+/gi;

/** Removes anything that looks like a signature, cookie or bearer token from a console string. */
export function scrub(text: string): string {
  return text.replace(AUTH_PAIR, '$1:[signature]').replace(SIGNATURE, '[signature]').replace(COOKIE_OR_BEARER, '$1=[redacted]');
}

/** Event data as the console shows it: scrubbed, and cut to DATA_PREVIEW_CHARS with an ellipsis. */
export function previewData(data: string): string {
  const cut = data.length > DATA_PREVIEW_CHARS ? `${data.slice(0, DATA_PREVIEW_CHARS)}… (${data.length} chars)` : data;
  return scrub(cut);
}
