import { IncomingMessage, type ServerResponse } from 'node:http';
import type { App } from '../apps/app.js';

/**
 * The HTTP server's request class (node:http's documented `IncomingMessage` option). It carries
 * what the API router needs between the head and the end of the body, so the body is read by
 * listeners shared by every request: no closure, promise or extra object per publish.
 */
export class ApiRequestMessage extends IncomingMessage {
  /** performance.now() when the head was parsed. */
  apiStarted = 0;
  apiResponse: ServerResponse | null = null;
  apiRoute = '';
  apiApp: App | null = null;
  apiParams: Map<string, string> | null = null;
  /** Decoded path segments of the route match. */
  apiMatch: string[] | null = null;
  /** Body chunks so far; null when not reading (not started, done, or given up). */
  bodyChunks: Buffer[] | null = null;
  bodySize = 0;
  bodyLimit = 0;
}
