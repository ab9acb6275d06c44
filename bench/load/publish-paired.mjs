// HTTP publish, both servers at once: each gets the same fixed rate of signed publishes (an open
// loop over `connections` keep-alive connections, one request in flight per connection), and each
// server's CPU per request is read over the same windows. Whatever else the box is doing then
// hits both servers alike, which is what the saturated req/s figure cannot promise: there a
// server's cost per request depends on the throughput it reaches.
import { openHttp, buildPost } from '../lib/http-raw.mjs';
import { signApiQuery } from '../lib/sign.mjs';
import { cpuMicros } from '../lib/proc.mjs';
import { publishRequest } from '../lib/publish-request.mjs';
import { median } from '../lib/median.mjs';
import { main, params, sleep } from './common.mjs';

const {
  targets, // [{ kind, port, pid }]
  appId = 'bench',
  key = 'bench-key',
  secret = 'bench-secret',
  rate = 2500,
  connections = 16,
  warmupMs = 2000,
  windowMs = 2000,
  windows = 8,
  channel = 'bench-empty',
} = params;

main(async () => {
  const { path, body } = publishRequest({ appId, channel });
  const query = signApiQuery({ method: 'POST', path, body, key, secret });
  const servers = await Promise.all(targets.map(async (t) => ({
    ...t,
    request: buildPost({ port: t.port, pathAndQuery: `${path}?${query}`, body }),
    free: await Promise.all(Array.from({ length: connections }, () => openHttp({ port: t.port }))),
    ok: 0,
    failed: 0,
    owed: 0,
    perRequest: [],
  })));
  const all = servers.flatMap((s) => [...s.free]);
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    const owedNow = ((now - last) * rate) / 1000;
    last = now;
    for (const s of servers) {
      // At most one tick's backlog: a server that falls behind is not sent a burst to catch up.
      s.owed = Math.min(connections, s.owed + owedNow);
      while (s.owed >= 1 && s.free.length > 0) {
        s.owed--;
        const conn = s.free.pop();
        conn.request(s.request, (status) => {
          if (status === 200) s.ok++;
          else s.failed++;
          if (status !== 0) s.free.push(conn);
        });
      }
    }
  }, 1);
  await sleep(warmupMs);
  for (let w = 0; w < windows; w++) {
    const start = servers.map((s) => ({ cpu: cpuMicros(s.pid), ok: s.ok }));
    await sleep(windowMs);
    servers.forEach((s, i) => {
      const done = s.ok - start[i].ok;
      if (done > 0) s.perRequest.push((cpuMicros(s.pid) - start[i].cpu) / done);
    });
  }
  clearInterval(tick);
  await sleep(50);
  for (const c of all) c.socket.destroy();
  return Object.fromEntries(servers.map((s) => [s.kind, {
    rate,
    windows: s.perRequest.length,
    failed: s.failed,
    serverCpuUsPerRequest: s.perRequest.length ? +median(s.perRequest).toFixed(1) : null,
  }]));
});
