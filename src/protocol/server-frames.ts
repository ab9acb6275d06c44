/**
 * Serializes server → client frames. `data` is always a JSON string: pusher-js accepts objects but
 * other clients crash on them (../shared/reference/pusher-protocol-and-laravel.md §A2).
 */
import type { CodeEntry } from './codes.js';

function encodeData(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data ?? {});
}

export function channelEventFrame(event: string, channel: string, data: unknown, userId?: string): string {
  const frame: Record<string, string> = { event, channel, data: encodeData(data) };
  if (userId !== undefined) frame.user_id = userId;
  return JSON.stringify(frame);
}

// The two frames of every handshake are joined from their parts: the same bytes JSON.stringify of
// the objects gives (same key order, each value JSON-encoded), without building the objects.
export function connectionEstablishedFrame(socketId: string, activityTimeout: number): string {
  const data = `{"socket_id":${JSON.stringify(socketId)},"activity_timeout":${JSON.stringify(activityTimeout)}}`;
  return `{"event":"pusher:connection_established","data":${JSON.stringify(data)}}`;
}

export const PONG_FRAME = JSON.stringify({ event: 'pusher:pong', data: '{}' });
export const PING_FRAME = JSON.stringify({ event: 'pusher:ping', data: '{}' });

export function errorFrame(entry: Pick<CodeEntry, 'code'>, message: string): string {
  return JSON.stringify({ event: 'pusher:error', data: JSON.stringify({ code: entry.code, message }) });
}

export function subscriptionSucceededFrame(channel: string, data: unknown = {}): string {
  return `{"event":"pusher_internal:subscription_succeeded","channel":${JSON.stringify(channel)},"data":${JSON.stringify(encodeData(data))}}`;
}

/** Channel-scoped so pusher-js re-emits it on the channel and Echo's `.error()` fires. */
export function subscriptionErrorFrame(channel: string, status: number, error: string, type = 'AuthError'): string {
  return JSON.stringify({ event: 'pusher:subscription_error', channel, data: JSON.stringify({ type, error, status }) });
}

export function cacheMissFrame(channel: string): string {
  return JSON.stringify({ event: 'pusher:cache_miss', channel, data: '{}' });
}

export function memberAddedFrame(channel: string, userId: string, userInfo: unknown): string {
  return channelEventFrame('pusher_internal:member_added', channel, { user_id: userId, user_info: userInfo ?? {} });
}

export function memberRemovedFrame(channel: string, userId: string): string {
  return channelEventFrame('pusher_internal:member_removed', channel, { user_id: userId });
}

/** pusher-js stores it as channel.subscriptionCount and emits pusher:subscription_count. */
export function subscriptionCountFrame(channel: string, count: number): string {
  return channelEventFrame('pusher_internal:subscription_count', channel, { subscription_count: count });
}

export function signinSuccessFrame(userData: string): string {
  return JSON.stringify({ event: 'pusher:signin_success', data: JSON.stringify({ user_data: userData }) });
}

export function watchlistEventsFrame(events: Array<{ name: 'online' | 'offline'; user_ids: string[] }>): string {
  return JSON.stringify({ event: 'pusher_internal:watchlist_events', data: JSON.stringify({ events }) });
}
