/** Channel kinds by prefix (../shared/reference/pusher-protocol-and-laravel.md §A2, cache channels). */
export type ChannelKind = 'public' | 'private' | 'presence' | 'encrypted' | 'user';

export interface ChannelInfo {
  readonly kind: ChannelKind;
  /** cache-, private-cache-, presence-cache-, private-encrypted-cache-. */
  readonly cache: boolean;
}

/** Pusher's name charset `[-a-zA-Z0-9_=@,.;]`, as a table: checked per publish and per subscribe. */
const NAME_CHARS = new Uint8Array(128);
for (const c of '-_=@,.;0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') NAME_CHARS[c.charCodeAt(0)] = 1;

/** Non-empty and every character in the name charset. */
function hasNameChars(value: string, from = 0): boolean {
  if (value.length <= from) return false;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || NAME_CHARS[c] !== 1) return false;
  }
  return true;
}
export const SERVER_TO_USER_PREFIX = '#server-to-user-';

// One frozen answer per kind: every Channel keeps one, so each channel is not an object more.
const info = (kind: ChannelKind, cache: boolean): ChannelInfo => Object.freeze({ kind, cache });
const USER = info('user', false);
const ENCRYPTED = info('encrypted', false);
const ENCRYPTED_CACHE = info('encrypted', true);
const PRIVATE = info('private', false);
const PRIVATE_CACHE = info('private', true);
const PRESENCE = info('presence', false);
const PRESENCE_CACHE = info('presence', true);
const PUBLIC = info('public', false);
const PUBLIC_CACHE = info('public', true);

export function describeChannel(name: string): ChannelInfo {
  if (name.startsWith(SERVER_TO_USER_PREFIX)) return USER;
  if (name.startsWith('private-encrypted-')) return name.startsWith('private-encrypted-cache-') ? ENCRYPTED_CACHE : ENCRYPTED;
  if (name.startsWith('private-')) return name.startsWith('private-cache-') ? PRIVATE_CACHE : PRIVATE;
  if (name.startsWith('presence-')) return name.startsWith('presence-cache-') ? PRESENCE_CACHE : PRESENCE;
  return name.startsWith('cache-') ? PUBLIC_CACHE : PUBLIC;
}

/** Whether events on the channel are remembered for new subscribers (`describeChannel(name).cache`, allocation-free). */
export function isCacheChannel(name: string): boolean {
  return name.startsWith('cache-') || name.startsWith('private-cache-') || name.startsWith('presence-cache-') || name.startsWith('private-encrypted-cache-');
}

/** Channels that need a signature (or a signed-in user, for #server-to-user-). */
export function requiresAuth(kind: ChannelKind): boolean {
  return kind !== 'public';
}

/**
 * Whether the name is acceptable: Pusher's charset, a length cap, and `#` only for the reserved
 * server-to-user channel of a valid user id.
 */
export function isValidChannelName(name: string, maxLength: number): boolean {
  if (name.length === 0 || name.length > maxLength) return false;
  if (name.startsWith(SERVER_TO_USER_PREFIX)) return hasNameChars(name, SERVER_TO_USER_PREFIX.length);
  return hasNameChars(name);
}

export function isValidUserId(id: string): boolean {
  return id.length <= 128 && hasNameChars(id);
}
