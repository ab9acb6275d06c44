import { IncomingMessage, type ServerResponse } from 'node:http';
import type { App } from '../apps/app.js';

/**
 * The HTTP server's request class (node:http's documented `IncomingMessage` option). It carries
 * what the API router needs between the head and the end of the body, so the body is read by
 * listeners shared by every request: no closure, promise or extra object per publish.
 */
export class ApiRequestMessage extends IncomingMessage {
  // Declared, not initialized: a field initializer would run for every request, the WebSocket
  // handshakes included; the router sets them, always in this order, for the requests it reads.
  /** performance.now() when the head was parsed. */
  declare apiStarted: number;
  declare apiResponse: ServerResponse;
  declare apiRoute: string;
  declare apiApp: App;
  declare apiParams: Map<string, string>;
  /** Decoded path segments of the route match. */
  declare apiMatch: string[];
  /** Body chunks so far; null when done or given up. */
  declare bodyChunks: Buffer[] | null;
  declare bodySize: number;
  declare bodyLimit: number;
}
