import { forwardFailureEntry } from '../auth/forward-failure-entry.js';
import { channelAuthString, verifyToken } from '../auth/signatures.js';
import type { Connection } from '../connections/connection.js';
import { MAX_USER_DATA_DEPTH, jsonNestingDepth } from '../protocol/safe-json.js';
import { OutboundMessage } from '../connections/outbound-message.js';
import { SERVER_TO_USER_PREFIX, describeChannel, isValidChannelName, isValidUserId } from '../protocol/channel-names.js';
import { checkSubscriptionCap } from '../guards/subscription-cap.js';
import { CODES, type CodeEntry } from '../protocol/codes.js';
import { cacheMissFrame, channelEventFrame, subscriptionErrorFrame, subscriptionSucceededFrame } from '../protocol/server-frames.js';
import type { Hub } from '../channels/hub.js';

interface Member {
  userId: string;
  info: unknown;
}

type MemberResult = { ok: true; member: Member } | { ok: false; reason: string };

function parseChannelData(channelData: string, maxInfoBytes: number): MemberResult {
  if (jsonNestingDepth(channelData) > MAX_USER_DATA_DEPTH) return { ok: false, reason: `channel_data is nested deeper than ${MAX_USER_DATA_DEPTH} levels` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(channelData);
  } catch {
    return { ok: false, reason: 'channel_data is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: 'channel_data must be a JSON object' };
  const { user_id: rawId, user_info: info } = parsed as { user_id?: unknown; user_info?: unknown };
  // Other stacks send numeric ids (the Pusher docs' own example); ids are strings on the wire.
  const userId = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (typeof userId !== 'string' || userId === '' || userId.length > 128) {
    return { ok: false, reason: 'channel_data.user_id must be a non-empty string of at most 128 characters' };
  }
  if (info !== undefined && Buffer.byteLength(JSON.stringify(info)) > maxInfoBytes) {
    return { ok: false, reason: `channel_data.user_info is larger than ${maxInfoBytes} bytes` };
  }
  return { ok: true, member: { userId, info: info ?? {} } };
}

/** pusher_internal:subscription_succeeded's presence object, from the roster the join returned. */
function presenceSnapshot(members: Map<string, unknown>): { ids: string[]; hash: Record<string, unknown>; count: number } {
  const ids: string[] = [];
  const hash: Record<string, unknown> = {};
  for (const [id, info] of members) {
    ids.push(id);
    hash[id] = info ?? {};
  }
  return { ids, hash, count: ids.length };
}

function rejectSubscription(hub: Hub, connection: Connection, channel: string, entry: CodeEntry, reason: string): void {
  connection.send(subscriptionErrorFrame(channel, entry.code, reason, entry.code === 503 ? 'AuthUnavailable' : 'AuthError'));
  hub.observers.emit('rejected', { entry, detail: reason, appId: connection.app.id, ip: connection.ip, channel, socketId: connection.socketId });
}

/** --max-subscriptions: refused with a non-closing 4312; the connection's other channels stay. */
function isWithinSubscriptionCap(hub: Hub, connection: Connection, channel: string): boolean {
  const verdict = checkSubscriptionCap(hub.subscriptionCount, hub.config.maxSubscriptions);
  if (verdict.ok) return true;
  const detail = `Subscription to ${channel} refused: ${verdict.detail}`;
  connection.sendError(verdict.entry, detail);
  hub.observers.emit('rejected', { entry: verdict.entry, detail, appId: connection.app.id, ip: connection.ip, channel, socketId: connection.socketId });
  return false;
}

export async function subscribe(hub: Hub, connection: Connection, channel: string, auth: string, channelData?: string): Promise<void> {
  const { config } = hub;
  if (!isValidChannelName(channel, config.maxChannelNameLength)) {
    connection.sendError(CODES.invalidChannel, `Invalid channel name: ${JSON.stringify(channel.slice(0, 64))}`);
    return;
  }
  if (connection.channels.has(channel) || connection.isPending(channel)) {
    connection.sendError(CODES.alreadySubscribed, `Already subscribed to ${channel}`);
    return;
  }
  if (connection.channels.size + connection.pendingCount >= config.maxChannelsPerConnection) {
    connection.sendError(CODES.maxChannelsReached, `At most ${config.maxChannelsPerConnection} channels per connection`);
    return;
  }
  if (!isWithinSubscriptionCap(hub, connection, channel)) return;
  const { kind, cache } = describeChannel(channel);
  let member: Member | undefined;

  if (kind === 'user') {
    const userId = channel.slice(SERVER_TO_USER_PREFIX.length);
    if (!connection.user || connection.user.id !== userId || !isValidUserId(userId)) {
      rejectSubscription(hub, connection, channel, CODES.subscriptionInvalidData, 'Sign in as this user before subscribing to its #server-to-user channel');
      return;
    }
  } else if (kind !== 'public') {
    const { app } = connection;
    if (auth === '' && hub.authForwarder?.canAuthorizeChannels) {
      connection.addPending(channel);
      const started = hub.observers.tracing ? performance.now() : 0;
      const result = await hub.authForwarder.authorizeChannel({
        socketId: connection.socketId, channel, headers: connection.headers, ip: connection.ip,
        isStale: () => connection.closed || !connection.isPending(channel),
      });
      // An unsubscribe (or disconnect) while Laravel was answering cancels the subscription.
      if (hub.observers.tracing) {
        hub.observers.emit('trace', {
          kind: 'auth_forward', appId: app.id, socketId: connection.socketId, ip: connection.ip, channel,
          status: result.ok ? 200 : result.status, ms: started === 0 ? 0 : performance.now() - started,
        });
      }
      if (!connection.deletePending(channel) || connection.closed) return;
      if (!result.ok) {
        rejectSubscription(hub, connection, channel, forwardFailureEntry(result.status), result.reason);
        return;
      }
      auth = result.auth;
      channelData = result.channelData;
    }
    if (kind === 'presence' && channelData === undefined && !connection.user) {
      rejectSubscription(hub, connection, channel, CODES.subscriptionInvalidData, 'Presence subscriptions need channel_data (or a signed-in user)');
      return;
    }
    const signed = channelAuthString(connection.socketId, channel, kind === 'presence' ? channelData : undefined);
    if (!verifyToken(auth, app.key, app.secret, signed)) {
      rejectSubscription(hub, connection, channel, CODES.subscriptionBadSignature, `Invalid signature: expected HMAC SHA256 hex digest of ${signed}`);
      return;
    }
    if (kind === 'presence') {
      if (channelData !== undefined) {
        const parsed = parseChannelData(channelData, config.maxPresenceMemberSize);
        if (!parsed.ok) {
          rejectSubscription(hub, connection, channel, CODES.subscriptionInvalidData, parsed.reason);
          return;
        }
        member = parsed.member;
      } else {
        member = { userId: connection.user!.id, info: connection.user!.info ?? {} };
      }
    }
  }

  if (!isWithinSubscriptionCap(hub, connection, channel)) return;
  // Read before the join, so a publish racing it is not both replayed and delivered.
  let cached: Awaited<ReturnType<typeof hub.cluster.cacheGet>>;
  if (cache) {
    connection.addPending(channel);
    cached = await hub.cluster.cacheGet(connection.app.id, channel);
    if (!connection.isPending(channel) || connection.closed) return;
  }
  const result = await hub.join(connection, channel, member);
  if (!result) return;
  if (result.full) {
    rejectSubscription(hub, connection, channel, CODES.presenceFull, `Presence channel is full (${config.maxPresenceMembers} members)`);
    return;
  }
  connection.send(result.members ? subscriptionSucceededFrame(channel, { presence: presenceSnapshot(result.members) }) : subscriptionSucceededFrame(channel));
  if (cached) connection.sendMessage(new OutboundMessage(channelEventFrame(cached.event, channel, cached.data)));
  else if (cache) connection.send(cacheMissFrame(channel));
  hub.afterJoin(connection, channel, result);
  if (hub.observers.tracing) hub.observers.emit('trace', { kind: 'subscribed', appId: connection.app.id, socketId: connection.socketId, ip: connection.ip, channel });
  // After afterJoin, so the channel_occupied webhook precedes cache_miss for the same channel.
  if (cache && !cached) hub.observers.emit('cacheMiss', connection.app, channel);
}

export function unsubscribe(hub: Hub, connection: Connection, channel: string): void {
  if (connection.deletePending(channel)) return;
  if (!hub.leave(connection, channel)) {
    connection.sendError(CODES.notSubscribed, `Not subscribed to ${channel.slice(0, 200)}`);
    return;
  }
  if (hub.observers.tracing) hub.observers.emit('trace', { kind: 'unsubscribed', appId: connection.app.id, socketId: connection.socketId, ip: connection.ip, channel });
}
