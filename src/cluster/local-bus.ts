import type { Bus, BusMessage } from './bus.js';

/** One node: nobody else to tell. */
export class LocalBus implements Bus {
  readonly shared = false;
  publish(_message: BusMessage): void {}
  onMessage(_handler: (message: BusMessage) => void): void {}
  async close(): Promise<void> {}
}
