/**
 * One console line as the server sends it: one definition for the server (src/console/console-entry.ts)
 * and the page, which is compiled on its own.
 */

export const ENTRY_KINDS = ['connection', 'subscription', 'api', 'client_event', 'signin', 'auth', 'webhook', 'rejection', 'console'] as const;

export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface ConsoleEntryInput {
  time: number;
  kind: EntryKind;
  /** Short headline, e.g. "opened", "closed 4009", "subscribed". */
  text: string;
  /** Which process saw it: this node's name, or a peer's when a cluster bus feeds the console. */
  node?: string;
  app?: string;
  socketId?: string;
  ip?: string;
  channel?: string;
  event?: string;
  code?: number;
  /** The catalogue id (e.g. origin_not_allowed). */
  reason?: string;
  /** The catalogue's fix for the code. */
  fix?: string;
  /** Event data, already truncated. */
  data?: string;
  bytes?: number;
  ms?: number;
  status?: number;
}

export interface ConsoleEntry extends ConsoleEntryInput {
  seq: number;
  node: string;
}
