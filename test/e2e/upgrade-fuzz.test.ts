/**
 * The WebSocket upgrade listener fuzzed with raw bytes Node's own clients refuse to send: broken
 * request lines, targets and headers, hand-picked and seeded-random mutations of a valid handshake.
 * Every request must get an HTTP answer (or a WebSocket that closes with a catalogue code), never
 * a 500 or an exception, and the server must keep serving and forget every socket it refused.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findCodes } from '../../src/protocol/codes.js';
import { rawClient } from '../helpers/raw-client.js';
import { startSidecar, type TestSidecar } from '../helpers/start-sidecar.js';

const WS_HEADERS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

function handshake(target: string, extra = '', line?: string): Buffer {
  return Buffer.from(`${line ?? `GET ${target} HTTP/1.1`}\r\nHost: 127.0.0.1\r\n${WS_HEADERS}${extra}\r\n`, 'latin1');
}

/** Hand-picked: each broke, or could break, a URL or header parser somewhere. */
const KNOWN: Buffer[] = [
  handshake('http://['),
  handshake('//'),
  handshake('*'),
  handshake(''),
  handshake('app/test-key'),
  handshake('/app/'),
  handshake('/app//'),
  handshake('/app/test-key/../../etc/passwd'),
  handshake('/app/%'),
  handshake('/app/%E0%A4%A'),
  handshake('/app/%00'),
  handshake('/app/test-key?protocol=%'),
  handshake('/app/test-key?protocol=7&protocol=99'),
  handshake('/app/test-key?protocol=' + 'x'.repeat(5000)),
  handshake('/app/' + 'k'.repeat(8000)),
  handshake('http://user:pass@[::1]:99999/app/test-key'),
  handshake('http://%zz/app/test-key'),
  handshake('ws://127.0.0.1/app/test-key'),
  handshake('/app/test-key#frag'),
  handshake('/app/test\u00e9key'),
  handshake('/app/test-key', '', 'GET /app/test-key HTTP/1.0'),
  handshake('/app/test-key', '', 'GET /app/test-key HTTP/9.9'),
  handshake('/app/test-key', '', 'POST /app/test-key HTTP/1.1'),
  handshake('/app/test-key', '', 'BREW /app/test-key HTTP/1.1'),
  handshake('/app/test-key', '', 'GET  /app/test-key  HTTP/1.1'),
  handshake('/app/test-key', '', 'GET /app/test-key'),
  handshake('/app/test-key', '', 'GET'),
  handshake('/app/test-key', '', '\u0000\u0001\u0002'),
  handshake('/app/test-key', 'Host: second.test\r\n'),
  handshake('/app/test-key', 'Origin: \r\n'),
  handshake('/app/test-key', 'Origin: null\r\n'),
  handshake('/app/test-key', 'Origin: http://[\r\n'),
  handshake('/app/test-key', `Origin: http://${'a'.repeat(3000)}\r\n`),
  handshake('/app/test-key', 'X-Forwarded-For: ,,,[::1,999.1.1.1:x, ]\r\n'),
  handshake('/app/test-key', 'X-Forwarded-For: \u00ff\u00fe\r\n'),
  handshake('/app/test-key', 'X-Forwarded-Host: \r\nX-Forwarded-Host: a,b\r\n'),
  handshake('/app/test-key', 'Sec-WebSocket-Version: 8\r\n'),
  handshake('/app/test-key', 'Sec-WebSocket-Key: short\r\n'),
  handshake('/app/test-key', 'Sec-WebSocket-Protocol: a,,b, ,\r\n'),
  handshake('/app/test-key', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99\r\n'),
  handshake('/app/test-key', 'No-Colon-Here\r\n'),
  handshake('/app/test-key', ' Folded: continuation\r\n'),
  handshake('/app/test-key', 'Bad Name: x\r\n'),
  handshake('/app/test-key', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n'),
  handshake('/app/test-key', 'Content-Length: -1\r\n'),
  handshake('/app/test-key', `X-Big: ${'y'.repeat(20_000)}\r\n`),
  handshake('/app/test-key', Array.from({ length: 3000 }, (_, i) => `X-${i}: v\r\n`).join('')),
  Buffer.from('GET /app/test-key HTTP/1.1\nHost: x\nUpgrade: websocket\nConnection: Upgrade\n\n'),
  Buffer.from(`GET /app/test-key HTTP/1.1\r\nHost: 127.0.0.1\r\n${WS_HEADERS}`),
  Buffer.from('\r\n\r\n\r\n'),
  Buffer.alloc(64, 0xff),
];

/** A small seeded PRNG (mulberry32) so a failure replays exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = ['%', '%%', '%0', '[', ']', '\\', ' ', '\t', '\r', '\n', '\0', '\u00ff', '#', '?', '//', '@', ':', '..', ';', ',', '"', '{', '\u0080'];

/** A valid handshake with bytes flipped, nasty characters inserted, or a line cut. */
function mutate(next: () => number): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  let text = handshake(`/app/test-key?protocol=7&client=js&version=8.6.0`, 'Origin: http://127.0.0.1\r\n').toString('latin1');
  for (let edits = 1 + Math.floor(next() * 4); edits > 0; edits--) {
    const at = Math.floor(next() * text.length);
    switch (Math.floor(next() * 4)) {
      case 0:
        text = text.slice(0, at) + pick(NASTY) + text.slice(at);
        break;
      case 1:
        text = text.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + text.slice(at + 1);
        break;
      case 2:
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 8));
        break;
      default:
        text = text.slice(0, at) + pick(NASTY).repeat(1 + Math.floor(next() * 300)) + text.slice(at);
    }
  }
  return Buffer.from(text, 'latin1');
}

interface Answer {
  /** The status line, or '' when the server closed without one. */
  status: string;
  /** The WebSocket close code, when the upgrade went through and the server closed it. */
  closeCode?: number;
}

/** Writes the bytes, half-closes, and reads until the server closes. */
function send(port: number, bytes: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const text = all.toString('latin1');
      const status = text.startsWith('HTTP/') ? text.slice(0, text.indexOf('\r\n')) : '';
      // A server close frame: 0x88, a 7-bit length, then the code (big-endian).
      const close = all.lastIndexOf(0x88);
      const closeCode = status.includes(' 101 ') && close !== -1 && close + 3 < all.length ? all.readUInt16BE(close + 2) : undefined;
      resolve({ status, ...(closeCode === undefined ? {} : { closeCode }) });
    });
    socket.end(bytes);
  });
}

async function fuzz(server: TestSidecar, cases: Buffer[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < cases.length; i += 16) {
    answers.push(...(await Promise.all(cases.slice(i, i + 16).map((bytes) => send(server.port, bytes)))));
  }
  return answers;
}

function expectDocumented(answers: Answer[], cases: Buffer[]): void {
  answers.forEach((answer, i) => {
    const shown = JSON.stringify(cases[i]!.toString('latin1').slice(0, 120));
    if (answer.status === '') return; // the peer's half-close raced the parser: nothing to answer
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer.status)?.[1]);
    expect(status, shown).toBeGreaterThanOrEqual(101);
    expect(status, shown).not.toBe(500);
    expect(status === 101 || (status >= 400 && status < 500) || status === 503, `${shown} → ${answer.status}`).toBe(true);
    if (answer.closeCode !== undefined && answer.closeCode >= 4000) {
      expect(findCodes(answer.closeCode).some((e) => e.kind === 'close'), `${shown} closed ${answer.closeCode}`).toBe(true);
    }
  });
}

describe('upgrade listener fuzz', () => {
  it('answers every hand-picked malformed request line, target and header without a 500, and keeps serving', async () => {
    const server = await startSidecar();
    const answers = await fuzz(server, KNOWN);
    expectDocumented(answers, KNOWN);
    // At least the clear-cut ones are refused outright, not silently dropped.
    expect(answers.filter((a) => a.status.startsWith('HTTP/1.1 400')).length).toBeGreaterThan(10);
    await expect(rawClient(server.port, server.app.key).socketId()).resolves.toMatch(/^\d+\.\d+$/);
    expect((await fetch(`${server.url}/up`)).status).toBe(200);
    await expect.poll(() => server.sidecar.hub.connectionCount).toBe(1);
  });

  it('survives 400 seeded random mutations of a valid handshake', async () => {
    const server = await startSidecar({ maxConnectionsPerIp: 5 });
    const next = random(0x5eed11);
    const cases = Array.from({ length: 400 }, () => mutate(next));
    const answers = await fuzz(server, cases);
    expectDocumented(answers, cases);
    expect(answers.some((a) => a.status.includes(' 101 '))).toBe(true);
    expect(answers.some((a) => a.status.includes(' 400 '))).toBe(true);
    // Every socket the fuzz opened is gone, so the per-IP count is back to zero and a client gets in.
    await expect.poll(() => server.sidecar.hub.connectionCount).toBe(0);
    const clients = Array.from({ length: 5 }, () => rawClient(server.port, server.app.key));
    await Promise.all(clients.map((c) => c.socketId()));
  });
});
