// Minimal keep-alive HTTP/1.1 client: one request in flight per connection, pre-built request
// bytes, responses parsed just enough to find their end (Content-Length or chunked) and status.
// It replaces node:http for the same reason the WebSocket client is raw: the load generator must
// stay well below the server's cost per request.
import net from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const CRLFCRLF = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

export class HttpConn {
  constructor(socket) {
    this.socket = socket;
    this.pending = null;
    this.cb = null;
    this.closed = false;
    this.error = null;
  }

  /** @param {Buffer|string} request full request bytes @param {(status: number) => void} cb status 0 = transport error */
  request(request, cb) {
    if (this.closed) {
      cb(0);
      return;
    }
    this.cb = cb;
    this.socket.write(request);
  }

  done(status) {
    const cb = this.cb;
    this.cb = null;
    this.pending = null;
    cb?.(status);
  }

  onBytes(chunk, n) {
    let data = chunk;
    let len = n;
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, chunk.subarray(0, n)]);
      len = data.length;
    }
    const idx = data.indexOf(CRLFCRLF);
    if (idx === -1 || idx + 4 > len) {
      this.pending = Buffer.from(data.subarray(0, len));
      return;
    }
    const status = (data[9] - 48) * 100 + (data[10] - 48) * 10 + (data[11] - 48);
    const head = data.toString('latin1', 0, idx).toLowerCase();
    const bodyStart = idx + 4;
    const cl = head.indexOf('\ncontent-length:');
    let complete;
    if (cl !== -1) {
      const length = parseInt(head.slice(cl + 16), 10);
      complete = len >= bodyStart + length;
    } else if (head.includes('transfer-encoding: chunked')) {
      const end = data.indexOf(CHUNKED_END, bodyStart);
      complete = end !== -1 && end + 5 <= len;
    } else {
      complete = true;
    }
    if (!complete) {
      this.pending = Buffer.from(data.subarray(0, len));
      return;
    }
    this.done(status);
  }
}

/** @returns {Promise<HttpConn>} */
export function openHttp({ port, host = '127.0.0.1' }) {
  return new Promise((resolve, reject) => {
    let conn;
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
    conn = new HttpConn(socket);
    socket.once('connect', () => resolve(conn));
    socket.on('error', (err) => {
      conn.error = err;
      reject(err);
    });
    socket.on('close', () => {
      conn.closed = true;
      if (conn.cb) conn.done(0);
    });
  });
}

/** Request bytes for a JSON POST. */
export function buildPost({ host = '127.0.0.1', port, pathAndQuery, body }) {
  const b = Buffer.from(body);
  return Buffer.concat([
    Buffer.from(
      `POST ${pathAndQuery} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${b.length}\r\n\r\n`,
    ),
    b,
  ]);
}
