/** Waiting on what pusher-js reports: connection states, channel events, errors. */
import type { PusherClient } from './pusher-client.js';

/** Anything pusher-js lets you bind to: a channel, a connection, `client.user`. */
export interface PusherEmitter {
  bind(event: string, cb: (...args: never[]) => void): unknown;
  unbind(event: string, cb: (...args: never[]) => void): unknown;
}

/** Resolves with the socket id once connected; rejects if pusher-js gives up. */
export function connected(client: PusherClient): Promise<string> {
  return new Promise((resolve, reject) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id);
    client.connection.bind('connected', () => resolve(client.connection.socket_id));
    client.connection.bind('failed', () => reject(new Error('pusher-js connection failed')));
  });
}

/** Resolves when the connection reaches `state`. */
export function waitForState(client: PusherClient, state: string): Promise<void> {
  if (client.connection.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const handler = ({ current }: { current: string }) => {
      if (current !== state) return;
      client.connection.unbind('state_change', handler);
      resolve();
    };
    client.connection.bind('state_change', handler);
  });
}

/** Resolves with the data of the first `event` on the emitter. */
export function once<T = unknown>(emitter: PusherEmitter, event: string): Promise<T> {
  return nextEvent<T>(emitter, event).then(([data]) => data as T);
}

/** Resolves with every argument of the first `event`: pusher-js passes channel events (data, metadata). */
export function nextEvent<T = unknown>(emitter: PusherEmitter, event: string): Promise<T[]> {
  return new Promise((resolve) => {
    const handler = (...args: never[]) => {
      emitter.unbind(event, handler);
      resolve(args as T[]);
    };
    emitter.bind(event, handler);
  });
}

/** Subscribes and resolves with the channel once subscribed; rejects on subscription_error. */
export function subscribed(client: PusherClient, name: string) {
  const channel = client.subscribe(name);
  return new Promise<typeof channel>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (err: unknown) => reject(new Error(`subscription to ${name} failed: ${JSON.stringify(err)}`)));
  });
}

/** Disconnects and resolves once pusher-js reports the socket closed. */
export function disconnected(client: PusherClient): Promise<void> {
  return new Promise((resolve) => {
    client.connection.bind('disconnected', () => resolve());
    client.disconnect();
  });
}

/**
 * Resolves with the code and message of the next Pusher error the connection reports (pusher-js
 * wraps a pusher:error received during the handshake in a WebSocketError).
 */
export function nextPusherError(client: PusherClient): Promise<{ code: number; message: string }> {
  type ErrorEvent = { type: string; data?: { code: number; message: string }; error?: ErrorEvent };
  return new Promise((resolve) => {
    const handler = (event: ErrorEvent) => {
      const data = event.data ?? event.error?.data;
      if (!data) return;
      client.connection.unbind('error', handler);
      resolve(data);
    };
    client.connection.bind('error', handler);
  });
}
