import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { App } from '../apps/app.js';
import { TokenBucket } from '../guards/token-bucket.js';
import type { CodeEntry } from '../protocol/codes.js';
import { errorFrame } from '../protocol/server-frames.js';
import { closeWithError } from './close-with-error.js';
import { OutboundMessage } from './outbound-message.js';

/** Request headers kept from the handshake so auth can be forwarded to Laravel as the browser. */
export type HandshakeHeaders = Record<string, string>;

export interface SignedInUser {
  id: string;
  info: unknown;
  watchlist: string[];
  userData: string;
}

/**
 * What every connection of one server shares: its limits, its clock and what to do with a slow
 * consumer. One object per server, so an idle socket pays one pointer for all of it.
 */
export interface ConnectionEnv {
  maxBufferedBytes: number;
  clientEventRate: number;
  messageRate: number;
  messageBurst: number;
  /** The hub's clock, so the write-wait check and the heartbeat agree. */
  clock: () => number;
  /** Called once when the send buffer overflows. */
  onSlow: (connection: Connection) => void;
}

export interface ConnectionInit {
  ws: WebSocket;
  socket: Socket;
  socketId: string;
  app: App;
  ip: string;
  headers: HandshakeHeaders;
  env: ConnectionEnv;
  now: number;
}

/** The headers of a connection whose handshake headers are not kept (no auth forwarding). */
export const NO_HEADERS: HandshakeHeaders = Object.freeze({});

/**
 * One client socket: identity, subscriptions, heartbeat state and backpressure-aware sends.
 * Thousands sit idle at once, so what most sockets never use (pending auth, rate buckets, a
 * drain listener) is made on first use: an idle socket is this object and its channel map.
 */
export class Connection {
  readonly ws: WebSocket;
  readonly socket: Socket;
  readonly socketId: string;
  readonly app: App;
  readonly ip: string;
  readonly headers: HandshakeHeaders;
  /** Channel name → presence user id (undefined for non-presence channels). */
  readonly channels = new Map<string, string | undefined>();
  /**
   * Subscriptions waiting on Laravel's auth reply or the cluster state, only while there are some.
   * Every join passes through here, nearly always one channel at a time: a lone channel is kept
   * as its name, a Set only for two or more.
   */
  #pending: string | Set<string> | undefined = undefined;
  user: SignedInUser | undefined = undefined;
  lastActivity: number;
  pingSentAt = 0;
  /** When the socket buffer last filled without draining since; 0 when flowing. */
  blockedSince = 0;
  closed = false;
  /** Inbound messages dropped for rate since the last accepted one. */
  droppedMessages = 0;
  #messages: TokenBucket | undefined = undefined;
  #clientEvents: TokenBucket | undefined = undefined;
  readonly #env: ConnectionEnv;

  constructor(init: ConnectionInit) {
    this.ws = init.ws;
    this.socket = init.socket;
    this.socketId = init.socketId;
    this.app = init.app;
    this.ip = init.ip;
    this.headers = init.headers;
    this.lastActivity = init.now;
    this.#env = init.env;
  }

  /** Whether `channel` is waiting to be joined (auth or cluster reply outstanding). */
  isPending(channel: string): boolean {
    const pending = this.#pending;
    if (pending === undefined) return false;
    return typeof pending === 'string' ? pending === channel : pending.has(channel);
  }

  addPending(channel: string): void {
    const pending = this.#pending;
    if (pending === undefined || pending === channel) {
      this.#pending = channel;
    } else if (typeof pending === 'string') {
      this.#pending = new Set([pending, channel]);
    } else {
      pending.add(channel);
    }
  }

  /** False when `channel` was not pending (an unsubscribe or disconnect cancelled it). */
  deletePending(channel: string): boolean {
    const pending = this.#pending;
    if (pending === undefined) return false;
    if (typeof pending === 'string') {
      if (pending !== channel) return false;
      this.#pending = undefined;
      return true;
    }
    if (!pending.delete(channel)) return false;
    // An emptied set is dropped, or each socket that once had two would keep one for life.
    if (pending.size === 0) this.#pending = undefined;
    return true;
  }

  get pendingCount(): number {
    const pending = this.#pending;
    if (pending === undefined) return 0;
    return typeof pending === 'string' ? 1 : pending.size;
  }

  clearPending(): void {
    this.#pending = undefined;
  }

  /**
   * Takes one inbound-message token. The bucket is made on the first message, full, as one made
   * at connect time would be by then (a bucket never holds more than its burst).
   */
  takeMessageToken(now: number): boolean {
    this.#messages ??= new TokenBucket(this.#env.messageRate, this.#env.messageBurst, now);
    return this.#messages.take(now);
  }

  /**
   * One-off frames (handshake, errors, presence lists), framed into one buffer like broadcasts:
   * ws.send would write header and payload separately, a writev per frame.
   */
  send(text: string): void {
    this.sendMessage(new OutboundMessage(text));
  }

  /**
   * Fan-out path: writes the pre-framed bytes straight to the TCP socket. Safe because the server
   * never enables permessage-deflate, so ws's Sender never queues frames of its own.
   */
  sendMessage(message: OutboundMessage): boolean {
    if (this.closed || this.ws.readyState !== 1) return false;
    if (!this.socket.write(message.frame())) this.#checkBuffer();
    return true;
  }

  #checkBuffer(): void {
    const buffered = this.socket.writableLength;
    if (buffered === 0) return;
    if (this.blockedSince === 0 && this.socket.writableNeedDrain) {
      this.blockedSince = this.#env.clock();
      // 'drain' only follows a write that filled the buffer, so the listener that clears the mark
      // is added here, for this one episode, instead of on every socket for its whole life.
      this.socket.once('drain', () => {
        this.blockedSince = 0;
      });
    }
    if (buffered > this.#env.maxBufferedBytes) this.#env.onSlow(this);
  }

  /**
   * The client-event bucket, made on the first client event (most sockets never send one). It
   * starts full, as one made at connect time would be by then.
   */
  get clientEvents(): TokenBucket {
    this.#clientEvents ??= new TokenBucket(this.#env.clientEventRate, this.#env.clientEventRate, this.#env.clock());
    return this.#clientEvents;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Sends pusher:error with the code, then closes with the same code (clients read either). */
  close(entry: CodeEntry, message: string = entry.message): void {
    if (this.closed) return;
    this.closed = true;
    closeWithError(this.ws, entry, message);
  }

  /** Close without a goodbye, for a peer that cannot take more bytes. */
  closeNow(entry: CodeEntry): void {
    this.closed = true;
    this.ws.close(entry.code, entry.message);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  sendError(entry: CodeEntry, message: string = entry.message): void {
    this.send(errorFrame(entry, message));
  }
}
