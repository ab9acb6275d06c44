import type { WebSocket } from 'ws';
import { closeReason } from '../protocol/close-reason.js';
import type { CodeEntry } from '../protocol/codes.js';
import { errorFrame } from '../protocol/server-frames.js';

/** The protocol's goodbye: pusher:error with the code, then a close with the same code. */
export function closeWithError(ws: WebSocket, entry: CodeEntry, message: string): void {
  if (ws.readyState === 1) ws.send(errorFrame(entry, message));
  ws.close(entry.code, closeReason(message));
}
