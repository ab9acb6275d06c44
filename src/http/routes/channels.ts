import type { App } from '../../apps/app.js';
import type { Hub } from '../../channels/hub.js';
import { describeChannel, isValidChannelName } from '../../protocol/channel-names.js';
import { CODES } from '../../protocol/codes.js';
import { fail, ok, type ApiReply } from '../api-reply.js';

function infoList(params: ReadonlyMap<string, string>): string[] {
  return (params.get('info') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** GET /apps/{id}/channels — occupied channels only; `channels` is an object (pusher-php needs it). */
export async function listChannels(hub: Hub, app: App, params: ReadonlyMap<string, string>): Promise<ApiReply> {
  const prefix = params.get('filter_by_prefix') ?? '';
  const info = infoList(params);
  if (info.some((i) => i !== 'user_count')) return fail(CODES.httpBadRequest, 'info may only be user_count here');
  if (info.includes('user_count') && !prefix.startsWith('presence-')) {
    return fail(CODES.httpBadRequest, 'info=user_count needs filter_by_prefix=presence-');
  }
  const channels: Record<string, Record<string, number>> = {};
  for (const [name, summary] of await hub.cluster.channels(app.id)) {
    if (!name.startsWith(prefix) || name.startsWith('#')) continue;
    channels[name] = info.includes('user_count') ? { user_count: summary.userCount ?? 0 } : {};
  }
  return ok({ channels });
}

/** GET /apps/{id}/channels/{name} */
export async function showChannel(hub: Hub, app: App, name: string, params: ReadonlyMap<string, string>): Promise<ApiReply> {
  if (!isValidChannelName(name, hub.config.maxChannelNameLength)) return fail(CODES.httpBadRequest, 'Invalid channel name');
  const { kind, cache } = describeChannel(name);
  const info = infoList(params);
  for (const attribute of info) {
    if (attribute === 'user_count' && kind !== 'presence') return fail(CODES.httpBadRequest, 'user_count is only available for presence channels');
    if (attribute === 'subscription_count' && kind === 'presence') return fail(CODES.httpBadRequest, 'subscription_count is not available for presence channels');
    if (attribute === 'cache' && !cache) return fail(CODES.httpBadRequest, 'cache is only available for cache channels');
    if (!['user_count', 'subscription_count', 'cache'].includes(attribute)) return fail(CODES.httpBadRequest, `Unknown info attribute ${attribute.slice(0, 40)}`);
  }
  const summary = await hub.cluster.channel(app.id, name);
  const body: Record<string, unknown> = { occupied: (summary?.subscriptionCount ?? 0) > 0 };
  if (info.includes('user_count')) body.user_count = summary?.userCount ?? 0;
  if (info.includes('subscription_count')) body.subscription_count = summary?.subscriptionCount ?? 0;
  if (info.includes('cache')) {
    const cached = await hub.cluster.cacheGet(app.id, name);
    body.cache = cached ? { event: cached.event, data: cached.data, ttl: Math.ceil(cached.ttlMs / 1000) } : null;
  }
  return ok(body);
}

/** GET /apps/{id}/channels/{name}/users — presence only. */
export async function listUsers(hub: Hub, app: App, name: string): Promise<ApiReply> {
  if (describeChannel(name).kind !== 'presence') return fail(CODES.httpBadRequest, 'Users can only be listed for presence channels');
  const members = await hub.cluster.members(app.id, name);
  return ok({ users: [...members.keys()].map((id) => ({ id })) });
}

/** POST /apps/{id}/users/{user_id}/terminate_connections */
export async function terminateUserConnections(hub: Hub, app: App, userId: string): Promise<ApiReply> {
  hub.terminateUser(app, userId);
  return ok({});
}
