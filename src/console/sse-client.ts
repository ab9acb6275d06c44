import type { ServerResponse } from 'node:http';
import type { LogLine } from './console-log.js';

/**
 * One open console: a Server-Sent Events response with a bounded queue. Entries are written in
 * batches on a timer, never one write per server event; while the socket cannot take more
 * (a slow browser, a paused tab) the queue fills to `maxQueue` and the rest are dropped and
 * counted, and the page is told how many, instead of memory growing or delivery slowing.
 */
export class SseClient {
  readonly #res: ServerResponse;
  readonly #maxQueue: number;
  #queue: string[] = [];
  #dropped = 0;
  #reportedDropped = 0;
  closed = false;

  constructor(res: ServerResponse, maxQueue: number) {
    this.#res = res;
    this.#maxQueue = maxQueue;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'keep-alive',
    });
    // The first bytes tell fetch() the stream is open.
    res.write(': pusher-sidecar console\n\n');
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one log line, or counts it as dropped when the queue is full. */
  enqueue(line: LogLine): void {
    if (this.closed) return;
    if (this.#queue.length >= this.#maxQueue) {
      this.#dropped++;
      return;
    }
    this.#queue.push(line.json);
  }

  /** Writes one named event now (small, rare: hello, now). Skipped while the socket is backed up. */
  event(name: string, data: unknown): void {
    if (this.closed || this.#res.writableNeedDrain) return;
    this.#res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Writes the queued entries as one `entries` event (and the drop count when it moved). */
  flush(): void {
    if (this.closed || this.#res.writableNeedDrain) return;
    let chunk = '';
    if (this.#queue.length > 0) {
      chunk += `event: entries\ndata: [${this.#queue.join(',')}]\n\n`;
      this.#queue = [];
    }
    if (this.#dropped !== this.#reportedDropped) {
      this.#reportedDropped = this.#dropped;
      chunk += `event: dropped\ndata: ${this.#dropped}\n\n`;
    }
    if (chunk !== '') this.#res.write(chunk);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#queue = [];
    this.#res.end();
  }
}
