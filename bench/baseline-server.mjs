// The yardstick: a bare `ws` server that speaks just enough Pusher for the bench scenarios.
//
// It is the "physical limit" of Node + ws on the box: no guards, no limits, no metrics, no
// logging per event, an unsigned publish route, and fan-out that frames each message ONCE and
// writes the same frame buffer to every socket. The sidecar's figures are reported as ratios to it.
// What it does speak must be correct (test/bench/baseline.test.ts checks it with pusher-js), or the
// comparison would flatter the baseline.
//
// Protocol facts: /work/shared/reference/pusher-protocol-and-laravel.md A1 (handshake), A2 (frames),
// A4 (presence signature).
//
//   node bench/baseline-server.mjs --host 127.0.0.1 --port 0 --app-id bench --app-key bench-key --app-secret bench-secret
//
// When ready it prints one JSON line shaped like the sidecar's pino line: {"msg":"listening",host,port,url}.
import { createServer } from 'node:http';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, WebSocket, Sender } from 'ws';

const OPEN = WebSocket.OPEN;

/** Frame a text message once; the returned buffer is written as-is to every subscriber. */
function frameText(text) {
  const payload = Buffer.from(text);
  const parts = Sender.frame(payload, {
    fin: true,
    mask: false,
    opcode: 0x01,
    readOnly: false,
    rsv1: false,
  });
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Write a pre-framed buffer straight to the socket: no per-subscriber encoding or framing. */
function writeFrame(ws, frame) {
  if (ws.readyState === OPEN) ws._socket.write(frame);
}

function hmacHex(secret, text) {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * @param {{host?: string, port?: number, appId?: string, appKey?: string, appSecret?: string}} options
 * @returns {Promise<{port: number, close: () => Promise<void>}>}
 */
export async function startBaselineServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const appId = options.appId ?? 'bench';
  const appKey = options.appKey ?? 'bench-key';
  const appSecret = options.appSecret ?? 'bench-secret';
  const wsPath = `/app/${appKey}`;
  const eventsPath = `/apps/${appId}/events`;

  /** @type {Map<string, Set<WebSocket>>} */
  const channels = new Map();
  /** presence channel -> user_id -> { info, connections } */
  const presence = new Map();

  function broadcast(channel, text, except) {
    const subs = channels.get(channel);
    if (!subs || subs.size === 0) return;
    const frame = frameText(text);
    for (const ws of subs) if (ws !== except) writeFrame(ws, frame);
  }

  function subscribe(ws, data) {
    const channel = typeof data?.channel === 'string' ? data.channel : '';
    if (!channel) return;
    if (channel.startsWith('presence-')) return subscribePresence(ws, channel, data);
    join(ws, channel);
    ws.send(`{"event":"pusher_internal:subscription_succeeded","channel":${JSON.stringify(channel)},"data":"{}"}`);
  }

  function join(ws, channel) {
    let subs = channels.get(channel);
    if (!subs) channels.set(channel, (subs = new Set()));
    subs.add(ws);
    ws.channels.add(channel);
  }

  function subscribePresence(ws, channel, data) {
    const channelData = typeof data.channel_data === 'string' ? data.channel_data : '';
    const expected = `${appKey}:${hmacHex(appSecret, `${ws.socketId}:${channel}:${channelData}`)}`;
    if (typeof data.auth !== 'string' || !safeEqual(data.auth, expected)) {
      ws.send(`{"event":"pusher:error","data":{"code":4009,"message":"Invalid signature"}}`);
      return;
    }
    let member;
    try {
      member = JSON.parse(channelData);
    } catch {
      return;
    }
    const userId = String(member.user_id);
    let members = presence.get(channel);
    if (!members) presence.set(channel, (members = new Map()));
    const existing = members.get(userId);
    if (existing) existing.connections++;
    else members.set(userId, { info: member.user_info ?? {}, connections: 1 });
    join(ws, channel);
    ws.presence.set(channel, userId);

    const ids = [...members.keys()];
    const hash = {};
    for (const [id, m] of members) hash[id] = m.info;
    const body = JSON.stringify({ presence: { ids, hash, count: ids.length } });
    ws.send(
      `{"event":"pusher_internal:subscription_succeeded","channel":${JSON.stringify(channel)},"data":${JSON.stringify(body)}}`,
    );
    if (!existing) {
      const added = JSON.stringify({ user_id: userId, user_info: member.user_info ?? {} });
      broadcast(
        channel,
        `{"event":"pusher_internal:member_added","channel":${JSON.stringify(channel)},"data":${JSON.stringify(added)}}`,
        ws,
      );
    }
  }

  function leave(ws, channel) {
    const subs = channels.get(channel);
    if (subs) {
      subs.delete(ws);
      if (subs.size === 0) channels.delete(channel);
    }
    ws.channels.delete(channel);
    const userId = ws.presence.get(channel);
    if (userId === undefined) return;
    ws.presence.delete(channel);
    const members = presence.get(channel);
    const m = members?.get(userId);
    if (!m || --m.connections > 0) return;
    members.delete(userId);
    if (members.size === 0) presence.delete(channel);
    const removed = JSON.stringify({ user_id: userId });
    broadcast(channel, `{"event":"pusher_internal:member_removed","channel":${JSON.stringify(channel)},"data":${JSON.stringify(removed)}}`);
  }

  function onMessage(ws, raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    switch (msg?.event) {
      case 'pusher:ping':
        ws.send('{"event":"pusher:pong","data":"{}"}');
        break;
      case 'pusher:subscribe':
        subscribe(ws, msg.data);
        break;
      case 'pusher:unsubscribe':
        if (typeof msg.data?.channel === 'string') leave(ws, msg.data.channel);
        break;
      default:
        break;
    }
  }

  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.socketId = `${randomInt(1, 1e9)}.${randomInt(1, 1e9)}`;
    ws.channels = new Set();
    ws.presence = new Map();
    ws.on('message', (raw) => onMessage(ws, raw));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      for (const channel of [...ws.channels]) leave(ws, channel);
    });
    ws.send(
      `{"event":"pusher:connection_established","data":${JSON.stringify(
        JSON.stringify({ socket_id: ws.socketId, activity_timeout: 120 }),
      )}}`,
    );
  });

  function reply(res, status, body) {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  const server = createServer((req, res) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (req.method !== 'POST' || path !== eventsPath) return reply(res, 404, '{"error":"not found"}');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      } catch {
        return reply(res, 400, '{"error":"invalid JSON"}');
      }
      const names = Array.isArray(body?.channels) ? body.channels : [body?.channel];
      if (typeof body?.name !== 'string' || typeof body?.data !== 'string') {
        return reply(res, 400, '{"error":"name and data are required"}');
      }
      for (const channel of names) {
        if (typeof channel !== 'string') continue;
        broadcast(channel, JSON.stringify({ event: body.name, channel, data: body.data }));
      }
      reply(res, 200, '{}');
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (path !== wsPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address();
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const subs of channels.values()) for (const ws of subs) ws.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (m && i + 1 < argv.length) out[m[1]] = argv[++i];
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  const host = args.host ?? '127.0.0.1';
  const { port, close } = await startBaselineServer({
    host,
    port: Number(args.port ?? 0),
    appId: args['app-id'],
    appKey: args['app-key'],
    appSecret: args['app-secret'],
  });
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'baseline listening', host, port, url: `ws://${host}:${port}` })}\n`,
  );
  const stop = () => close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
