import { CODES, type CodeEntry } from '../protocol/codes.js';

/**
 * The catalogue entry of a failed forwarded auth, by the status the forwarder reports, so a
 * refusal by Laravel, a reply that could not be used, a request never sent (429: too many
 * pending) and an unreachable Laravel (503) are each named for what they are.
 */
export function forwardFailureEntry(status: number): CodeEntry {
  if (status === 403) return CODES.subscriptionForbidden;
  if (status === 401) return CODES.authUnauthenticated;
  if (status === 400) return CODES.subscriptionInvalidData;
  if (status === 502) return CODES.authBadReply;
  if (status === 429) return CODES.authTooManyPending;
  return CODES.authUnavailable;
}
