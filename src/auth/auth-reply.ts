/**
 * Parses Laravel's /broadcasting/auth and /broadcasting/user-auth replies (§B3 of
 * ../shared/reference/pusher-protocol-and-laravel.md). Untrusted input: never throws, and the
 * signatures inside are verified by the caller like any client-supplied one.
 */

export type ChannelReply = { ok: true; auth: string; channelData?: string; sharedSecret?: string } | { ok: false; reason: string };

export type UserReply = { ok: true; auth: string; userData: string } | { ok: false; reason: string };

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function parseChannelAuthReply(body: string): ChannelReply {
  const json = parseObject(body);
  if (!json) return { ok: false, reason: 'reply is not a JSON object' };
  const { auth, channel_data: channelData, shared_secret: sharedSecret } = json;
  if (typeof auth !== 'string' || auth === '') return { ok: false, reason: 'reply has no "auth" string' };
  // Signed byte for byte as a string: an object here could not be verified.
  if (channelData !== undefined && typeof channelData !== 'string') return { ok: false, reason: '"channel_data" must be a JSON string' };
  if (sharedSecret !== undefined && typeof sharedSecret !== 'string') return { ok: false, reason: '"shared_secret" must be a string' };
  const reply: ChannelReply = { ok: true, auth };
  if (channelData !== undefined) reply.channelData = channelData;
  if (sharedSecret !== undefined) reply.sharedSecret = sharedSecret;
  return reply;
}

export function parseUserAuthReply(body: string): UserReply {
  const json = parseObject(body);
  if (!json) return { ok: false, reason: 'reply is not a JSON object' };
  const { auth, user_data: userData } = json;
  if (typeof auth !== 'string' || auth === '') return { ok: false, reason: 'reply has no "auth" string' };
  if (typeof userData !== 'string') return { ok: false, reason: 'reply has no "user_data" JSON string' };
  return { ok: true, auth, userData };
}
