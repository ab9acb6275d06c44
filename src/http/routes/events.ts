import type { App } from '../../apps/app.js';
import type { Hub } from '../../channels/hub.js';
import { describeChannel, isValidChannelName } from '../../protocol/channel-names.js';
import { CODES } from '../../protocol/codes.js';
import { stringifyOrUndefined } from '../../protocol/safe-json.js';
import { OK_EMPTY, fail, ok, type ApiReply } from '../api-reply.js';

const MAX_CHANNELS = 100;
const MAX_BATCH = 10;
const SOCKET_ID = /^\d+\.\d+$/;
const ENCRYPTED_PREFIX = 'private-encrypted-';

interface EventRequest {
  name: string;
  data: string;
  channels: string[];
  socketId?: string;
  info: string[];
}

type Validated = { ok: true; event: EventRequest } | { ok: false; reply: ApiReply };

function bad(error: string): Validated {
  return { ok: false, reply: fail(CODES.httpBadRequest, error) };
}

/** Checks one event object from `events` or `batch_events` against the REST API rules. */
function validateEvent(hub: Hub, raw: unknown, where: string): Validated {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad(`${where} must be a JSON object`);
  const body = raw as Record<string, unknown>;
  const { name, socket_id: socketId, info } = body;
  if (typeof name !== 'string' || name === '') return bad(`${where}.name must be a non-empty string`);
  if (name.length > hub.config.maxEventNameLength) return bad(`${where}.name is longer than ${hub.config.maxEventNameLength} characters`);
  if (body.data === undefined) return bad(`${where}.data is required`);
  const data = typeof body.data === 'string' ? body.data : stringifyOrUndefined(body.data);
  if (data === undefined) return bad(`${where}.data is nested too deeply; send it as a JSON string`);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most data is judged without counting its bytes.
  if (data.length * 3 > hub.config.maxPayloadSize && Buffer.byteLength(data) > hub.config.maxPayloadSize) {
    return { ok: false, reply: fail(CODES.httpPayloadTooLarge, `${where}.data is larger than ${hub.config.maxPayloadSize} bytes`) };
  }
  let channels: string[];
  if (Array.isArray(body.channels)) channels = body.channels as string[];
  else if (typeof body.channel === 'string') channels = [body.channel];
  else return bad(`${where} needs "channels" (array) or "channel" (string)`);
  if (channels.length === 0) return bad(`${where}.channels must not be empty`);
  if (channels.length > MAX_CHANNELS) return bad(`${where}.channels has more than ${MAX_CHANNELS} channels`);
  for (const channel of channels) {
    if (typeof channel !== 'string' || !isValidChannelName(channel, hub.config.maxChannelNameLength)) {
      return bad(`${where}: invalid channel name ${JSON.stringify(String(channel).slice(0, 64))}`);
    }
  }
  let encrypted = 0;
  for (const channel of channels) if (channel.startsWith(ENCRYPTED_PREFIX)) encrypted++;
  if (encrypted > 0 && encrypted < channels.length) return bad(`${where}: encrypted channels cannot be mixed with other channels`);
  if (socketId !== undefined && (typeof socketId !== 'string' || !SOCKET_ID.test(socketId))) return bad(`${where}.socket_id must look like 123.456`);
  if (info !== undefined && typeof info !== 'string') return bad(`${where}.info must be a comma-separated string`);
  const event: EventRequest = { name, data, channels, info: info ? info.split(',').map((s) => s.trim()) : [] };
  if (socketId !== undefined) event.socketId = socketId;
  return { ok: true, event };
}

async function channelInfo(hub: Hub, app: App, event: EventRequest): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const channel of event.channels) {
    const summary = await hub.cluster.channel(app.id, channel);
    const attributes: Record<string, number> = {};
    const presence = describeChannel(channel).kind === 'presence';
    if (event.info.includes('subscription_count') && !presence) attributes.subscription_count = summary?.subscriptionCount ?? 0;
    if (event.info.includes('user_count') && presence) attributes.user_count = summary?.userCount ?? 0;
    out[channel] = attributes;
  }
  return out;
}

const NOT_JSON = Symbol('not JSON');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

function publishEvent(hub: Hub, app: App, event: EventRequest): void {
  const recipients = hub.publish(app, event.channels, event.name, event.data, event.socketId);
  if (hub.observers.tracing) {
    hub.observers.emit('trace', {
      kind: 'api_publish', appId: app.id, channels: event.channels, event: event.name, data: event.data,
      bytes: Buffer.byteLength(event.data), recipients, ...(event.socketId ? { exceptSocketId: event.socketId } : {}),
    });
  }
}

/** POST /apps/{id}/events; synchronous unless channel info was asked for. */
export function triggerEvent(hub: Hub, app: App, body: Buffer): ApiReply | Promise<ApiReply> {
  const json = parseJson(body);
  if (json === NOT_JSON) return fail(CODES.httpBadRequest, 'Body must be JSON');
  const checked = validateEvent(hub, json, 'event');
  if (!checked.ok) return checked.reply;
  const { event } = checked;
  publishEvent(hub, app, event);
  if (event.info.length === 0) return OK_EMPTY;
  return channelInfo(hub, app, event).then((channels) => ok({ channels }));
}

/** POST /apps/{id}/batch_events: validated as a whole before anything is published. */
export function triggerBatch(hub: Hub, app: App, body: Buffer): ApiReply | Promise<ApiReply> {
  const json = parseJson(body);
  if (json === NOT_JSON) return fail(CODES.httpBadRequest, 'Body must be JSON');
  const batch = (json as { batch?: unknown } | null)?.batch;
  if (!Array.isArray(batch)) return fail(CODES.httpBadRequest, 'Body must be {"batch": [events]}');
  if (batch.length > MAX_BATCH) return fail(CODES.httpBadRequest, `batch has more than ${MAX_BATCH} events`);
  const events: EventRequest[] = [];
  for (let i = 0; i < batch.length; i++) {
    const checked = validateEvent(hub, batch[i], `batch[${i}]`);
    if (!checked.ok) return checked.reply;
    events.push(checked.event);
  }
  for (const event of events) publishEvent(hub, app, event);
  if (!events.some((e) => e.info.length > 0)) return OK_EMPTY;
  return batchInfo(hub, app, events);
}

async function batchInfo(hub: Hub, app: App, events: EventRequest[]): Promise<ApiReply> {
  const replies = [];
  for (const event of events) {
    const info = event.info.length > 0 ? await channelInfo(hub, app, event) : {};
    replies.push(event.info.length > 0 ? (info[event.channels[0]!] ?? {}) : {});
  }
  return ok({ batch: replies });
}
