import type { CodeEntry } from '../protocol/codes.js';

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set on refusals: the catalogue entry their log line and counter name. */
  entry?: CodeEntry;
}

export function ok(body: unknown = {}): ApiReply {
  return { status: 200, body };
}

/** Errors are JSON `{error, code}`: `code` is the HTTP status, `error` says what to fix. */
export function fail(entry: CodeEntry, error: string = entry.message): ApiReply {
  return { status: entry.code, body: { error, code: entry.code }, entry };
}

/** `200 {}`, the answer to nearly every publish; sent from pre-built headers. */
export const OK_EMPTY: ApiReply = { status: 200, body: {} };
