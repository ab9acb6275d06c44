import { createRequire } from 'node:module';

// ws's frame encoder: exported by its CommonJS entry as `Sender` but not declared by @types/ws.
const sender = (createRequire(import.meta.url)('ws') as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

const FRAME_OPTIONS = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false } as const;

/**
 * A server frame serialized once and WebSocket-framed once, however many sockets receive it.
 * Fan-out cost is then one pair of socket writes per subscriber (see BENCHMARKS.md).
 */
export class OutboundMessage {
  #frame: Buffer[] | undefined;

  constructor(readonly text: string) {}

  get byteLength(): number {
    return this.frame().reduce((n, b) => n + b.length, 0);
  }

  frame(): Buffer[] {
    this.#frame ??= sender.frame(
      Buffer.from(this.text),
      FRAME_OPTIONS,
    );
    return this.#frame;
  }
}
