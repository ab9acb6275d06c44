import type { Redis } from 'ioredis';
import type { Bus, BusMessage } from './bus.js';

export interface RedisBusOptions {
  /** Publishes on this connection (the one the state's commands use, so a frame follows its join). */
  publisher: Redis;
  /** A connection of its own in subscriber mode; ioredis resubscribes it after a reconnect. */
  subscriber: Redis;
  channel: string;
  nodeId: string;
  onError(operation: string, err: unknown): void;
}

interface Envelope {
  /** The publishing node: Redis echoes our own messages back, and we already delivered those. */
  n: string;
  m: BusMessage;
}

/**
 * One pub/sub channel per cluster (its prefix). Pusher never replays missed messages, so plain
 * pub/sub is parity: a node that was cut off misses what was published meanwhile, as a client
 * that was offline would.
 */
export class RedisBus implements Bus {
  readonly shared = true;
  readonly nodeId: string;
  readonly #options: RedisBusOptions;
  readonly #handlers: Array<(message: BusMessage) => void> = [];

  constructor(options: RedisBusOptions) {
    this.#options = options;
    this.nodeId = options.nodeId;
    options.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== options.channel) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(text) as Envelope;
      } catch (err) {
        options.onError('bus', err);
        return;
      }
      if (envelope.n === options.nodeId) return;
      for (const handler of this.#handlers) handler(envelope.m);
    });
  }

  /** Resolves once Redis confirmed the subscription. */
  async subscribe(): Promise<void> {
    await this.#options.subscriber.subscribe(this.#options.channel);
  }

  publish(message: BusMessage): void {
    const envelope: Envelope = { n: this.#options.nodeId, m: message };
    this.#options.publisher.publish(this.#options.channel, JSON.stringify(envelope)).catch((err: unknown) => this.#options.onError('publish', err));
  }

  onMessage(handler: (message: BusMessage) => void): void {
    this.#handlers.push(handler);
  }

  async close(): Promise<void> {}
}
