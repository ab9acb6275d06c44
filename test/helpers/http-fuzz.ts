/**
 * Raw, seeded HTTP fuzzing of one listener: request lines, targets, methods and headers that
 * Node's own clients refuse to send. Each request gets its own TCP socket; the answer's status
 * line is collected (or `closed` when the server hung up without one).
 */
import { connect } from 'node:net';

export interface FuzzAnswer {
  request: string;
  /** e.g. 400, or 0 when the socket closed without a status line. */
  status: number;
}

/** Mulberry32: a tiny deterministic PRNG, so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'get', 'G\u00e9T', 'X'.repeat(40), ''];
const TARGET_PIECES = [
  '/', '//', '///', 'http://[', 'http://[::1', 'http://a b/', '*', '%', '%zz', '%E0%A4%A', '/..', '/./', '/../../etc/passwd',
  '?', '#', '#frag', '?token=', '&&&', '\u00ff', '\t', '\\', '/metrics', '/metrics/', '/console', '/console/',
  'http://127.0.0.1/metrics', 'https://x', '//evil.example/', '/%2e%2e/', ';', '"', '<script>', 'a'.repeat(300),
];
const HEADER_LINES = [
  'Host: 127.0.0.1', 'Host:', 'Host: [', 'Content-Length: -1', 'Content-Length: 99999999999999999999', 'Content-Length: abc',
  'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Authorization: Bearer', 'Authorization: Bearer x y',
  'Authorization: Basic ???', 'Cookie: a=b', 'Accept: text/event-stream', 'Upgrade: websocket', 'Connection: Upgrade',
  'X: \u0000', 'NoColon', ': empty-name', `X-Long: ${'y'.repeat(9000)}`, 'Content-Type: application/json', 'Expect: 100-continue',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** One random request as raw bytes. */
export function randomRequest(random: () => number, paths: readonly string[]): string {
  const pieces = [...TARGET_PIECES, ...paths];
  let target = '';
  const parts = 1 + Math.floor(random() * 3);
  for (let i = 0; i < parts; i++) target += pick(random, pieces);
  const method = pick(random, METHODS);
  const version = random() < 0.85 ? 'HTTP/1.1' : pick(random, ['HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'http/1.1', '']);
  const headers: string[] = [];
  const headerCount = Math.floor(random() * 4);
  if (random() < 0.8) headers.push('Host: 127.0.0.1');
  for (let i = 0; i < headerCount; i++) headers.push(pick(random, HEADER_LINES));
  const body = random() < 0.3 ? pick(random, ['{}', '{"app":"x"', 'null', '[]', '\u0000\u0001', '{"channel":1}']) : '';
  if (body !== '' && !headers.some((h) => h.toLowerCase().startsWith('content-length'))) headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const lineEnd = random() < 0.9 ? '\r\n' : '\n';
  return `${method} ${target} ${version}${lineEnd}${headers.join(lineEnd)}${lineEnd}${lineEnd}${body}`;
}

/** Sends one raw request and resolves with the status of the first response line. */
export function sendRaw(port: number, request: string, timeoutMs = 3000): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    // 1xx (100 Continue) are interim: the answer is the first status line after them.
    const finalStatus = () => [...received.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((m) => Number(m[1])).find((status) => status >= 200);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ request, status: finalStatus() ?? 0 });
    };
    // A request the server is still waiting on (a body never sent, a stream left open) ends here.
    const timer = setTimeout(finish, timeoutMs);
    socket.on('connect', () => socket.end(request));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (finalStatus() !== undefined) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}
