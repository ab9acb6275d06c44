import type { Connection } from '../connections/connection.js';
import { describeChannel } from '../protocol/channel-names.js';
import { CODES } from '../protocol/codes.js';
import { stringifyOrUndefined } from '../protocol/safe-json.js';
import type { Hub } from '../channels/hub.js';

/**
 * client-* events: only on private/presence channels the sender is subscribed to, only when the
 * app enables them, never echoed to the sender, `user_id` added on presence channels.
 */
export function handleClientEvent(hub: Hub, connection: Connection, event: string, channel: string, data: unknown): void {
  const { app } = connection;
  const reject = (why: string) => connection.sendError(CODES.clientEventRejected, why);
  if (!app.enableClientMessages) return reject('Client events are not enabled for this app (enableClientMessages)');
  const { kind } = describeChannel(channel);
  if (kind !== 'private' && kind !== 'presence') return reject('Client events are only allowed on private- and presence- channels');
  if (!connection.channels.has(channel)) return reject(`Not subscribed to ${channel.slice(0, 200)}`);
  if (event.length > hub.config.maxEventNameLength) return reject(`Event name longer than ${hub.config.maxEventNameLength} characters`);
  if (!connection.clientEvents.take(hub.now())) {
    connection.sendError(CODES.clientEventRateLimited, `Client event rejected: more than ${hub.config.clientEventRate} per second`);
    hub.observers.emit('rejected', { entry: CODES.clientEventRateLimited, detail: 'client event rate', appId: app.id, ip: connection.ip, channel, socketId: connection.socketId });
    return;
  }
  const userId = kind === 'presence' ? connection.channels.get(channel) : undefined;
  const payload = typeof data === 'string' ? data : stringifyOrUndefined(data ?? {});
  if (payload === undefined) {
    connection.sendError(CODES.invalidMessage, 'Invalid message: client event data is nested too deeply');
    return;
  }
  hub.publish(app, [channel], event, payload, connection.socketId, userId);
  hub.observers.emit('clientEvent', app, channel, event, payload, connection.socketId, userId);
}
