// A deliberately thin WebSocket client for the load generator.
//
// A full client (ws, pusher-js) costs about as much CPU per received message as the server spends
// sending it, so on a 2-core box it would measure itself. This one does the HTTP upgrade on a
// net.Socket, reads into one shared buffer (net `onread`, no per-read allocation, no stream
// machinery), walks the unmasked server frames and hands the text payload's byte range to the
// caller. Client frames are masked with an all-zero key (valid per RFC 6455: XOR with 0 is the
// identity), so sending needs no copy.
import net from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * @typedef {object} WsHandler
 * @property {(conn: RawWs, buf: Buffer, start: number, end: number) => void} onText
 *   called for each text frame; the bytes are only valid during the call
 * @property {(conn: RawWs, error: Error | null, code: number) => void} [onClose]
 */

export class RawWs {
  /** @param {WsHandler} handler */
  constructor(handler) {
    this.handler = handler;
    this.socket = null;
    this.pending = null;
    this.upgraded = false;
    this.closed = false;
    /** free slot for the scenario's per-connection state */
    this.state = null;
  }

  /** Send a text frame (masked with a zero key). */
  sendText(text) {
    if (this.closed) return;
    const payload = Buffer.from(text);
    const len = payload.length;
    let header;
    if (len < 126) {
      header = Buffer.from([0x81, 0x80 | len, 0, 0, 0, 0]);
    } else if (len < 65536) {
      header = Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff, 0, 0, 0, 0]);
    } else {
      header = Buffer.alloc(14);
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeUInt32BE(Math.floor(len / 4294967296), 2);
      header.writeUInt32BE(len >>> 0, 6);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }

  /** Close without the closing handshake: the bench tears down thousands of sockets at once. */
  destroy() {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }

  fail(error, code = 1006) {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.handler.onClose?.(this, error, code);
  }

  onBytes(chunk, n) {
    let data = chunk;
    let len = n;
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, chunk.subarray(0, n)]);
      len = data.length;
      this.pending = null;
    }
    let off = 0;
    if (!this.upgraded) {
      const idx = data.indexOf(CRLFCRLF);
      if (idx === -1 || idx + 4 > len) {
        this.pending = Buffer.from(data.subarray(0, len));
        return;
      }
      // "HTTP/1.1 101"
      if (!(data[9] === 0x31 && data[10] === 0x30 && data[11] === 0x31)) {
        const line = data.toString('latin1', 0, Math.min(idx, data.indexOf(13)));
        this.fail(new Error(`upgrade refused: ${line}`), 1002);
        return;
      }
      this.upgraded = true;
      off = idx + 4;
    }
    const handler = this.handler;
    while (len - off >= 2) {
      const b0 = data[off];
      const b1 = data[off + 1];
      let plen = b1 & 0x7f;
      let hdr = 2;
      if (plen === 126) {
        if (len - off < 4) break;
        plen = (data[off + 2] << 8) | data[off + 3];
        hdr = 4;
      } else if (plen === 127) {
        if (len - off < 10) break;
        plen = data.readUInt32BE(off + 2) * 4294967296 + data.readUInt32BE(off + 6);
        hdr = 10;
      }
      if (b1 & 0x80) {
        this.fail(new Error('server sent a masked frame'), 1002);
        return;
      }
      const end = off + hdr + plen;
      if (end > len) break;
      const opcode = b0 & 0x0f;
      if (opcode === 0x01 || opcode === 0x00) {
        handler.onText(this, data, off + hdr, end);
        if (this.closed) return;
      } else if (opcode === 0x08) {
        const code = plen >= 2 ? (data[off + hdr] << 8) | data[off + hdr + 1] : 1005;
        const reason = plen > 2 ? data.toString('utf8', off + hdr + 2, end) : '';
        this.fail(code >= 4000 || code === 1008 ? new Error(`closed by server: ${code} ${reason}`) : null, code);
        return;
      } else if (opcode === 0x09) {
        // Answer a protocol-level ping with a pong carrying the same payload (zero mask).
        const payload = data.subarray(off + hdr, end);
        this.socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
      }
      off = end;
    }
    if (off < len) this.pending = Buffer.from(data.subarray(off, len));
  }
}

/**
 * Open one raw WebSocket. Resolves nothing by itself: the handler sees frames as they come
 * (the first is pusher:connection_established).
 * @param {{port: number, host?: string, path: string, handler: WsHandler}} options
 */
export function openRawWs({ port, host = '127.0.0.1', path, handler }) {
  const conn = new RawWs(handler);
  const socket = net.connect({
    port,
    host,
    noDelay: true,
    onread: {
      buffer: READ_BUFFER,
      callback(n, buf) {
        conn.onBytes(buf, n);
      },
    },
  });
  conn.socket = socket;
  socket.on('connect', () => {
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on('error', (err) => conn.fail(err));
  socket.on('close', () => conn.fail(null, 1006));
  return conn;
}

/** Find an ASCII needle inside [start, end) of buf; -1 if absent. */
export function indexWithin(buf, needle, start, end) {
  const i = buf.indexOf(needle, start);
  return i !== -1 && i + needle.length <= end ? i : -1;
}

/** Read the decimal integer that starts at or just after `from` (skipping `\`, `"`, `:`, spaces). */
export function readIntAfter(buf, from, end) {
  let i = from;
  while (i < end) {
    const c = buf[i];
    if (c === 0x5c || c === 0x22 || c === 0x3a || c === 0x20) i++;
    else break;
  }
  let v = 0;
  let digits = 0;
  while (i < end) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    i++;
    digits++;
  }
  return digits > 0 ? v : -1;
}
