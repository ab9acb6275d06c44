import type { ServerResponse } from 'node:http';
import { OK_EMPTY, type ApiReply } from './api-reply.js';

// Built once: node:http validates header objects on every writeHead, and a publish's reply never varies.
const OK_EMPTY_HEADERS = { 'Content-Type': 'application/json', 'Content-Length': '2' };

/**
 * One writeHead + one end(string) per reply, so node:http sends head and body in one write.
 * (A Buffer body would go out as a separate chunk.) `close` ends the connection after the reply:
 * for refusals sent before the request body was read, whose rest is not worth receiving.
 */
export function writeReply(res: ServerResponse, reply: ApiReply, close: boolean): void {
  if (reply === OK_EMPTY && !close) {
    res.writeHead(200, OK_EMPTY_HEADERS);
    res.end('{}');
    return;
  }
  const body = JSON.stringify(reply.body);
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...reply.headers };
  if (close) headers.Connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(body);
}
