import { createRequire } from 'node:module';

// ws's frame encoder: exported by its CommonJS entry as `Sender` but not declared by @types/ws.
const sender = (createRequire(import.meta.url)('ws') as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

const FRAME_OPTIONS = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false } as const;

/**
 * A server frame serialized once and WebSocket-framed once into a single buffer, however many
 * sockets receive it. Fan-out cost is then one socket write per subscriber (see BENCHMARKS.md).
 */
export class OutboundMessage {
  #frame: Buffer | undefined;
  #text: string | (() => string);

  /** A factory defers serialization until some socket actually receives the message. */
  constructor(text: string | (() => string)) {
    this.#text = text;
  }

  get text(): string {
    if (typeof this.#text !== 'string') this.#text = this.#text();
    return this.#text;
  }

  get byteLength(): number {
    return this.frame().length;
  }

  frame(): Buffer {
    if (!this.#frame) {
      const parts = sender.frame(Buffer.from(this.text), FRAME_OPTIONS);
      this.#frame = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    }
    return this.#frame;
  }
}
