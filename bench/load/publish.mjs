// HTTP publish throughput: signed POST /apps/{id}/events to a channel nobody subscribes to, from
// `concurrency` keep-alive connections each with one request in flight. The request is signed once
// (the signature stays valid for 600 s, and the server verifies it on every request anyway).
// With `batch: N`, POST /apps/{id}/batch_events carrying N such events (one channel each).
import { Histogram } from '../lib/histogram.mjs';
import { openHttp, buildPost } from '../lib/http-raw.mjs';
import { signApiQuery } from '../lib/sign.mjs';
import { measureWindow } from '../lib/proc.mjs';
import { main, params, sleep } from './common.mjs';
import { publishRequest } from '../lib/publish-request.mjs';

const {
  port,
  serverPid,
  serverCore = null,
  loadCore = null,
  appId = 'bench',
  key = 'bench-key',
  secret = 'bench-secret',
  concurrency = 32,
  warmupMs = 1000,
  durationMs = 10_000,
  channel = 'bench-empty',
  batch = 0,
} = params;

main(async () => {
  const { path, body } = publishRequest({ appId, channel, batch });
  const query = signApiQuery({ method: 'POST', path, body, key, secret });
  const request = buildPost({ port, pathAndQuery: `${path}?${query}`, body });

  const hist = new Histogram();
  let measuring = false;
  let running = true;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let firstStatus = null;
  const conns = await Promise.all(Array.from({ length: concurrency }, () => openHttp({ port })));

  function loop(conn) {
    if (!running) return;
    const t = performance.now();
    conn.request(request, (status) => {
      if (measuring) {
        hist.record((performance.now() - t) * 1000);
        if (status >= 200 && status < 300) ok++;
        else if (status === 0) errors++;
        else non2xx++;
      }
      if (status !== 200) firstStatus ??= status;
      if (status !== 0) loop(conn);
    });
  }
  for (const c of conns) loop(c);
  await sleep(warmupMs);
  const meter = measureWindow({ serverPid, serverCore, loadCore });
  measuring = true;
  const t0 = performance.now();
  await sleep(durationMs);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const m = meter.stop();
  running = false;
  await sleep(50);
  for (const c of conns) c.socket.destroy();
  const lat = hist.summary();
  return {
    client: 'node',
    concurrency,
    requests: ok + non2xx,
    ok,
    non2xx,
    errors,
    firstNon200: firstStatus,
    perSecond: Math.round(ok / elapsed),
    latencyMs: { p50: lat.p50Us / 1000, p99: lat.p99Us / 1000, max: lat.maxUs / 1000 },
    events: batch || 1,
    eventsPerSecond: Math.round((ok * (batch || 1)) / elapsed),
    serverCpuUsPerRequest: ok ? +(m.serverCpuUs / ok).toFixed(2) : null,
    ...m,
  };
});
