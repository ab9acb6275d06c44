/**
 * Parses one inbound text frame into a typed message. Never throws: malformed input comes back as
 * `{ ok: false, reason }` for the caller to answer with pusher:error 4300.
 * pusher-js sends `data` as an object for pusher:* events; other clients may send a JSON string,
 * so both are accepted (../shared/reference/pusher-protocol-and-laravel.md §A2).
 */

export type ClientMessage =
  | { type: 'ping' }
  | { type: 'pong' }
  | { type: 'subscribe'; channel: string; auth: string; channelData?: string }
  | { type: 'unsubscribe'; channel: string }
  /** No userData: an empty-auth sign-in whose user_data Laravel supplies (--user-auth-url). */
  | { type: 'signin'; auth: string; userData?: string }
  | { type: 'client-event'; event: string; channel: string; data: unknown }
  | { type: 'unknown'; event: string };

export type ParsedClientMessage = { ok: true; message: ClientMessage } | { ok: false; reason: string };

function fail(reason: string): ParsedClientMessage {
  return { ok: false, reason };
}

function dataObject(data: unknown): Record<string, unknown> | undefined {
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}

export function parseClientMessage(text: string): ParsedClientMessage {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return fail('frame is not valid JSON');
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return fail('frame must be a JSON object');
  const { event, data, channel } = frame as Record<string, unknown>;
  if (typeof event !== 'string' || event === '') return fail('"event" must be a non-empty string');

  switch (event) {
    case 'pusher:ping':
      return { ok: true, message: { type: 'ping' } };
    case 'pusher:pong':
      return { ok: true, message: { type: 'pong' } };
    case 'pusher:subscribe': {
      const body = dataObject(data);
      if (!body || typeof body.channel !== 'string') return fail('pusher:subscribe needs data.channel as a string');
      const auth = body.auth ?? '';
      if (typeof auth !== 'string') return fail('pusher:subscribe data.auth must be a string');
      const channelData = body.channel_data;
      if (channelData !== undefined && typeof channelData !== 'string') return fail('pusher:subscribe data.channel_data must be a JSON string');
      const message: ClientMessage = { type: 'subscribe', channel: body.channel, auth };
      if (channelData !== undefined) message.channelData = channelData;
      return { ok: true, message };
    }
    case 'pusher:unsubscribe': {
      const body = dataObject(data);
      if (!body || typeof body.channel !== 'string') return fail('pusher:unsubscribe needs data.channel as a string');
      return { ok: true, message: { type: 'unsubscribe', channel: body.channel } };
    }
    case 'pusher:signin': {
      const body = dataObject(data);
      const auth = body?.auth ?? '';
      if (!body || typeof auth !== 'string') return fail('pusher:signin needs data.user_data (JSON string) and data.auth (string)');
      // With server-side sign-in Laravel's /broadcasting/user-auth supplies user_data, so a client
      // that signs nothing itself has none to send; signIn() decides whether that is allowed.
      if (body.user_data === undefined && auth === '') return { ok: true, message: { type: 'signin', auth } };
      if (typeof body.user_data !== 'string') return fail('pusher:signin needs data.user_data (JSON string) and data.auth (string)');
      return { ok: true, message: { type: 'signin', auth, userData: body.user_data } };
    }
    default:
      if (event.startsWith('client-')) {
        if (typeof channel !== 'string') return fail('client events need "channel" as a string');
        return { ok: true, message: { type: 'client-event', event, channel, data } };
      }
      return { ok: true, message: { type: 'unknown', event } };
  }
}
