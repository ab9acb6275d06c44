import type { RawData } from 'ws';
import { signIn } from './signin.js';
import { handleClientEvent } from './client-event.js';
import type { Hub } from '../channels/hub.js';
import { subscribe, unsubscribe } from './subscribe.js';
import { parseClientMessage } from '../protocol/client-message.js';
import { CODES } from '../protocol/codes.js';
import { PONG_FRAME } from '../protocol/server-frames.js';
import type { Connection } from '../connections/connection.js';

/** Every inbound frame lands here. Nothing thrown from here reaches ws; bad input gets a pusher:error. */
export function handleMessage(hub: Hub, connection: Connection, raw: RawData, isBinary: boolean): void {
  if (connection.closed) return;
  const now = hub.now();
  connection.lastActivity = now;
  connection.pingSentAt = 0;
  const bytes = Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : (raw as Buffer | ArrayBuffer).byteLength;
  hub.observers.emit('messageIn', connection.app, bytes);

  if (!connection.takeMessageToken(now)) {
    // One warning, then a disconnect if the client keeps flooding for another burst's worth.
    connection.droppedMessages++;
    if (connection.droppedMessages === 1) {
      connection.sendError(CODES.messageRateLimited);
      hub.observers.emit('rejected', { entry: CODES.messageRateLimited, detail: `inbound messages over --message-rate ${hub.config.messageRate}/s`, appId: connection.app.id, ip: connection.ip });
    }
    if (connection.droppedMessages > hub.config.messageBurst) {
      hub.observers.emit('rejected', { entry: CODES.messageRateExceeded, detail: `kept sending after ${hub.config.messageBurst} dropped messages`, appId: connection.app.id, ip: connection.ip });
      connection.close(CODES.messageRateExceeded);
    }
    return;
  }
  connection.droppedMessages = 0;

  if (isBinary) {
    connection.sendError(CODES.invalidMessage, 'Binary frames are not supported; send JSON text');
    return;
  }
  const parsed = parseClientMessage(raw.toString());
  if (!parsed.ok) {
    connection.sendError(CODES.invalidMessage, `Invalid message: ${parsed.reason}`);
    hub.logger.debug({ socketId: connection.socketId, reason: parsed.reason }, 'invalid client message');
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'ping':
      connection.send(PONG_FRAME);
      return;
    case 'pong':
      return;
    case 'subscribe':
      void subscribe(hub, connection, message.channel, message.auth, message.channelData).catch((err: unknown) => {
        hub.logger.error({ err, socketId: connection.socketId }, 'subscribe failed');
      });
      return;
    case 'unsubscribe':
      unsubscribe(hub, connection, message.channel);
      return;
    case 'signin':
      void signIn(hub, connection, message.auth, message.userData).catch((err: unknown) => {
        hub.logger.error({ err, socketId: connection.socketId }, 'signin failed');
      });
      return;
    case 'client-event':
      handleClientEvent(hub, connection, message.event, message.channel, message.data);
      return;
    case 'unknown':
      connection.sendError(CODES.unknownEvent, `Unknown event ${message.event.slice(0, 100)}`);
      return;
  }
}
