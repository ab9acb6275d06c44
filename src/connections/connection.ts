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

export interface ConnectionLimits {
  maxBufferedBytes: number;
  clientEventRate: number;
  messageRate: number;
  messageBurst: number;
}

export interface ConnectionInit {
  ws: WebSocket;
  socket: Socket;
  socketId: string;
  app: App;
  ip: string;
  headers: HandshakeHeaders;
  limits: ConnectionLimits;
  now: number;
  /** The hub's clock, so the write-wait check and the heartbeat agree. */
  clock: () => number;
  /** Called once when the send buffer overflows. */
  onSlow: (connection: Connection) => void;
}

/** One client socket: identity, subscriptions, heartbeat state and backpressure-aware sends. */
export class Connection {
  readonly ws: WebSocket;
  readonly socket: Socket;
  readonly socketId: string;
  readonly app: App;
  readonly ip: string;
  readonly headers: HandshakeHeaders;
  /** Channel name → presence user id (undefined for non-presence channels). */
  readonly channels = new Map<string, string | undefined>();
  /** Subscriptions waiting on Laravel's auth reply. */
  readonly pendingChannels = new Set<string>();
  user: SignedInUser | undefined;
  lastActivity: number;
  pingSentAt = 0;
  /** When the socket buffer last filled without draining since; 0 when flowing. */
  blockedSince = 0;
  closed = false;
  /** Inbound messages dropped for rate since the last accepted one. */
  droppedMessages = 0;
  readonly messages: TokenBucket;
  #clientEvents: TokenBucket | undefined;
  // Two numbers, not the limits object: the upgrade builds one per connection, and keeping it
  // would cost every idle socket its bytes.
  readonly #maxBufferedBytes: number;
  readonly #clientEventRate: number;
  readonly #onSlow: (connection: Connection) => void;
  readonly #clock: () => number;

  constructor(init: ConnectionInit) {
    this.ws = init.ws;
    this.socket = init.socket;
    this.socketId = init.socketId;
    this.app = init.app;
    this.ip = init.ip;
    this.headers = init.headers;
    this.lastActivity = init.now;
    this.#maxBufferedBytes = init.limits.maxBufferedBytes;
    this.#clientEventRate = init.limits.clientEventRate;
    this.#onSlow = init.onSlow;
    this.#clock = init.clock;
    this.messages = new TokenBucket(init.limits.messageRate, init.limits.messageBurst, init.now);
    this.socket.on('drain', () => {
      this.blockedSince = 0;
    });
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
    if (this.blockedSince === 0 && this.socket.writableNeedDrain) this.blockedSince = this.#clock();
    if (buffered > this.#maxBufferedBytes) this.#onSlow(this);
  }

  /**
   * The client-event bucket, made on the first client event (most sockets never send one). It
   * starts full, as one made at connect time would be by then.
   */
  get clientEvents(): TokenBucket {
    this.#clientEvents ??= new TokenBucket(this.#clientEventRate, this.#clientEventRate, this.#clock());
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
