import { WebSocket } from 'ws';
import type { Connection } from './connection.js';

/**
 * The server's WebSocket class (ws's `WebSocket` option): a ws that knows its Connection. The
 * socket's listeners are then one shared function per event that reads `this.connection`, instead
 * of a closure per event per socket, which idle sockets would each keep for their whole life.
 */
export class ConnectionSocket extends WebSocket {
  /** Set when the handshake is accepted; undefined on a refused socket. */
  connection: Connection | undefined = undefined;
}
