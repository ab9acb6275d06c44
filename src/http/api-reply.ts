import type { CodeEntry } from '../protocol/codes.js';

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function ok(body: unknown = {}): ApiReply {
  return { status: 200, body };
}

/** Errors are JSON `{error, code}`: `code` is the HTTP status, `error` says what to fix. */
export function fail(entry: CodeEntry, error: string = entry.message): ApiReply {
  return { status: entry.code, body: { error, code: entry.code } };
}
