// Loads a Laravel app's front-end modules in plain Node, the way Vite would bundle them for a
// browser: `import.meta.env` comes from the app's .env VITE_* values, `window` is the global
// object, bare imports resolve to this repository's node_modules (laravel-echo, pusher-js,
// axios), and TypeScript is stripped. Then it obeys JSON commands on stdin, one per line, and
// answers each with one JSON line on stdout.
//
// Usage: node echo-client.mjs <resources/js dir> <entry file> <VITE env as JSON> [<options as JSON>]
// options.cookie: sent on the WebSocket handshake, as a browser sends the site's cookies (pusher-js
// in Node cannot, so its runtime's WebSocket factory is wrapped, as test/helpers/pusher-client.ts does).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const [jsDir, entry, envJson, optionsJson = '{}'] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
globalThis.window = globalThis;
globalThis.__VITE_ENV__ = JSON.parse(envJson);

const out = mkdtempSync(join(tmpdir(), 'echo-client-'));
writeFileSync(join(out, 'package.json'), '{"type":"module"}');
for (const name of readdirSync(jsDir)) {
  if (!/\.(m?js|ts)$/.test(name)) continue;
  let source = readFileSync(join(jsDir, name), 'utf8');
  if (name.endsWith('.ts')) {
    source = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  }
  source = source
    .replaceAll('import.meta.env', 'globalThis.__VITE_ENV__')
    .replace(/(from\s+|import\s+)(['"])([^'"]+)\2/g, (whole, lead, quote, spec) => {
      if (spec.startsWith('.')) return `${lead}${quote}${spec.replace(/(\.[jt]s)?$/, '.js')}${quote}`;
      return `${lead}${quote}${import.meta.resolve(spec)}${quote}`;
    });
  writeFileSync(join(out, name.replace(/\.ts$/, '.js')), source);
}

const reply = (value) => process.stdout.write(JSON.stringify(value) + '\n');
const events = [];
let waiting = null;

if (options.cookie) {
  // The app's `import Pusher from 'pusher-js'` resolves to this same module instance.
  const { default: Pusher } = await import(import.meta.resolve('pusher-js'));
  const Client = Pusher.Runtime.getWebSocketAPI();
  Pusher.Runtime.createWebSocket = (url) => new Client(url, [], { headers: { Cookie: options.cookie } });
}

try {
  await import(pathToFileURL(join(out, entry.replace(/\.ts$/, '.js'))).href);
  reply({ ready: true });
} catch (err) {
  reply({ error: String(err && err.stack || err) });
  process.exit(1);
}

function echo() {
  if (!window.Echo) throw new Error('window.Echo is not set');
  return window.Echo;
}

const commands = {
  async connected() {
    const pusher = echo().connector.pusher;
    if (pusher.connection.state !== 'connected') {
      await new Promise((resolve, reject) => {
        pusher.connection.bind('connected', resolve);
        pusher.connection.bind('failed', () => reject(new Error('connection failed')));
      });
    }
    return { socketId: echo().socketId() };
  },
  async listen({ channel, events: names, kind }) {
    const ch = kind === 'private' ? echo().private(channel) : echo().channel(channel);
    for (const event of names) {
      ch.listen(event, (data) => {
        events.push({ channel, event, data });
        if (waiting) waiting();
      });
    }
    await new Promise((resolve, reject) => {
      ch.subscribed(resolve);
      ch.error((err) => reject(new Error(`subscription error: ${JSON.stringify(err)}`)));
    });
    return { subscribed: channel };
  },
  async join({ channel }) {
    const members = await new Promise((resolve, reject) => {
      const ch = echo().join(channel);
      ch.here(resolve);
      ch.error((err) => reject(new Error(`subscription error: ${JSON.stringify(err)}`)));
    });
    return { members };
  },
  async nextEvent() {
    if (events.length === 0) await new Promise((resolve) => (waiting = resolve));
    waiting = null;
    return events.shift();
  },
  async axios({ url }) {
    const axios = (await import(import.meta.resolve('axios'))).default;
    const response = await axios.get(url);
    return { status: response.status, data: response.data };
  },
  async socketIdHeaders() {
    // The helper ./echo exports for fetch() calls.
    const echoModule = await import(pathToFileURL(join(out, 'echo.js')).href);
    return echoModule.socketIdHeaders();
  },
  async disconnect() {
    echo().disconnect();
    return { disconnected: true };
  },
};

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { id, command, args } = JSON.parse(line);
  try {
    const handler = commands[command];
    if (!handler) throw new Error(`unknown command ${command}`);
    reply({ id, ok: true, value: await handler(args ?? {}) });
  } catch (err) {
    reply({ id, ok: false, error: String(err && err.message || err) });
  }
}
process.exit(0);
