/**
 * What one line of the debug console says. Built only from ids, names, numbers and our own
 * messages: never from an App (its secret) or a Connection (its handshake headers and cookies).
 */

export { ENTRY_KINDS, type ConsoleEntry, type ConsoleEntryInput, type EntryKind } from './page/console-entry-wire.js';

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
