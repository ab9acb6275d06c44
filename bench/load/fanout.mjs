// Fan-out load: N subscribers on one channel, ~100-byte events published through the signed HTTP
// API at a fixed delivery rate (cost mode: one step) or at increasing rates (sweep mode).
//
// Each event's data carries its publish time (µs on this process's monotonic clock) and a sequence
// number; every subscriber frame is counted and its latency recorded against the measurement
// window its event was published in. Loss = published × N − received after a drain period.
//
// The machine is shared, so each step measures in short windows and keeps going until it has
// `cleanWindows` windows in which other processes used less than `maxForeignPercent` of either
// core (or it runs out of `maxWindows`). Figures come from the clean windows only; a step that
// never got a clean window reports all of them and says so.
import { Histogram } from '../lib/histogram.mjs';
import { connectPusher, runPool } from '../lib/pusher-client.mjs';
import { indexWithin, readIntAfter } from '../lib/ws-raw.mjs';
import { openHttp, buildPost } from '../lib/http-raw.mjs';
import { signApiQuery } from '../lib/sign.mjs';
import { measureWindow } from '../lib/proc.mjs';
import { main, params, sleep, until, nowUs, log } from './common.mjs';

const {
  port,
  serverPid,
  serverCore = null,
  loadCore = null,
  appId = 'bench',
  key = 'bench-key',
  secret = 'bench-secret',
  subscribers,
  channel = 'bench-fanout',
  steps,
  warmupMs = 2000,
  windowMs = 3000,
  cleanWindows = 3,
  maxWindows = 8,
  maxForeignPercent = 5,
  drainMs = 30_000,
  stallMs = 2000,
  p99LimitMs = null,
  dataBytes = 100,
  connectConcurrency = 200,
  publishConns = 8,
  // Cluster runs: subscribers connect round-robin to these ports (default: `port`).
  subscriberPorts = [port],
} = params;

// --- receiving ---------------------------------------------------------------------------------
const MARK = Buffer.from('"ts');
let received = 0;
let unexpectedCloses = 0;
let firstCloseError = null;
/** measurement windows of the current step: { startUs, endUs, hist, recv } */
let windows = [];
let openWindow = null;

function onMessage(conn, buf, start, end) {
  const i = indexWithin(buf, MARK, start, end);
  if (i === -1) return;
  received++;
  if (openWindow !== null) openWindow.recv++;
  const ts = readIntAfter(buf, i + 3, end);
  // Attribute latency to the window the event was published in (usually the last or the one before).
  for (let w = windows.length - 1; w >= 0; w--) {
    const win = windows[w];
    if (ts >= win.startUs) {
      if (ts < win.endUs) win.hist.record(nowUs() - ts);
      break;
    }
  }
}

function onClose(conn, error, code) {
  unexpectedCloses++;
  firstCloseError ??= error ? error.message : `close ${code}`;
}

// --- publishing --------------------------------------------------------------------------------
const path = `/apps/${appId}/events`;
let http = [];
let free = [];
/**
 * Publishes that fell due while every connection was busy, as their intended send times: their
 * latency is measured from when they SHOULD have been sent, so a server too slow to answer the
 * publisher cannot hide its backlog (no coordinated omission).
 */
let queued = [];
let inflight = 0;
let seq = 0;
let published = 0;
let publishFailed = 0;
let firstPublishError = null;
const publishHist = new Histogram();
const pad = 'x'.repeat(Math.max(0, dataBytes - 40));

function publishOne(conn, intendedUs) {
  const ts = Math.round(intendedUs ?? nowUs());
  const data = `{"ts":${ts},"seq":${seq++},"pad":"${pad}"}`;
  const body = JSON.stringify({ name: 'bench-event', channel, data });
  const query = signApiQuery({ method: 'POST', path, body, key, secret });
  inflight++;
  published++;
  conn.request(buildPost({ port, pathAndQuery: `${path}?${query}`, body }), (status) => {
    inflight--;
    publishHist.record(nowUs() - ts);
    if (status < 200 || status >= 300) {
      publishFailed++;
      firstPublishError ??= status === 0 ? 'connection closed' : `HTTP ${status}`;
    }
    if (queued.length > 0) {
      publishOne(conn, queued.shift());
    } else if (!conn.closed) {
      free.push(conn);
    } else {
      // The server dropped an idle keep-alive connection: replace it.
      openHttp({ port }).then((c) => free.unshift(c), () => {});
    }
  });
}

/** Publish at `perSecond` until the returned stop() is called; catches up if a timer fires late. */
function startPublishing(perSecond) {
  const t0 = performance.now();
  const t0Us = nowUs();
  const period = 1000 / perSecond;
  let due = 0;
  let stopped = false;
  function tick() {
    if (stopped) return;
    const shouldHave = Math.floor((performance.now() - t0) / period) + 1;
    while (due < shouldHave) {
      due++;
      const conn = free.shift(); // FIFO: every connection stays warm, none idles into a keep-alive timeout
      if (conn) publishOne(conn);
      else queued.push(t0Us + (due - 1) * period * 1000);
    }
    setTimeout(tick, Math.max(0, t0 + due * period - performance.now()));
  }
  tick();
  return () => {
    stopped = true;
  };
}

function isQuiet(m) {
  return m.foreignServerCorePercent <= maxForeignPercent && m.foreignLoadCorePercent <= maxForeignPercent;
}

// --- one rate step -----------------------------------------------------------------------------
async function runStep(rate) {
  const perSecond = rate / subscribers;
  const recv0 = received;
  const pub0 = published;
  const fail0 = publishFailed;
  const closes0 = unexpectedCloses;
  publishHist.reset();
  windows = [];

  const stop = startPublishing(perSecond);
  const warm = measureWindow({ serverPid, serverCore, loadCore });
  await sleep(warmupMs);
  let previousQuiet = isQuiet(warm.stop());
  let clean = 0;
  while (windows.length < maxWindows && clean < cleanWindows) {
    const win = { startUs: nowUs(), endUs: Infinity, hist: new Histogram(), recv: 0, m: null };
    const meter = measureWindow({ serverPid, serverCore, loadCore });
    windows.push(win);
    openWindow = win;
    await sleep(windowMs);
    openWindow = null;
    win.endUs = nowUs();
    win.m = meter.stop();
    // A quiet window right after a noisy one still carries the backlog the noise left behind.
    const quiet = isQuiet(win.m);
    win.clean = quiet && previousQuiet;
    previousQuiet = quiet;
    if (win.clean) clean++;
  }
  stop();
  // Drain: a server that is merely behind keeps delivering, so wait while deliveries still
  // progress (up to drainMs); only what never arrives counts as lost.
  const done = () => inflight === 0 && queued.length === 0 && received - recv0 >= (published - pub0) * subscribers;
  const drainEnd = performance.now() + drainMs;
  let lastCount = -1;
  while (!done() && performance.now() < drainEnd && received !== lastCount) {
    lastCount = received;
    await until(done, stallMs);
  }
  const drained = done();
  const notSent = queued.length;
  queued = [];
  const expected = (published - pub0 + notSent) * subscribers;
  const got = received - recv0;

  const used = clean > 0 ? windows.filter((w) => w.clean) : windows;
  const hist = new Histogram();
  let recv = 0;
  let serverUs = 0;
  let clientUs = 0;
  let wallUs = 0;
  let irqPct = 0;
  for (const w of used) {
    hist.merge(w.hist);
    recv += w.recv;
    serverUs += w.m.serverCpuUs;
    clientUs += w.m.clientCpuUs;
    wallUs += w.m.wallUs;
    irqPct += w.m.irqPercent / used.length;
  }
  const lat = hist.summary();
  return {
    offeredDeliveriesPerSec: rate,
    publishesPerSec: perSecond,
    subscribers,
    windows: windows.length,
    cleanWindows: clean,
    achievedDeliveriesPerSec: Math.round(recv / (wallUs / 1e6)),
    deliveriesMeasured: recv,
    cpuUsPerDelivery: recv > 0 ? +(serverUs / recv).toFixed(3) : null,
    serverCpuPercent: +((100 * serverUs) / wallUs).toFixed(1),
    clientCpuPercent: +((100 * clientUs) / wallUs).toFixed(1),
    irqPercent: +irqPct.toFixed(1),
    perWindow: windows.map((w) => ({
      clean: w.clean,
      cpuUsPerDelivery: w.recv > 0 ? +(w.m.serverCpuUs / w.recv).toFixed(3) : null,
      p99Ms: w.hist.percentile(99) / 1000,
      serverCpuPercent: w.m.serverCpuPercent,
      clientCpuPercent: w.m.clientCpuPercent,
      foreignServerCorePercent: w.m.foreignServerCorePercent,
      foreignLoadCorePercent: w.m.foreignLoadCorePercent,
    })),
    latencyMs: { p50: lat.p50Us / 1000, p95: lat.p95Us / 1000, p99: lat.p99Us / 1000, max: lat.maxUs / 1000, samples: lat.count },
    publishResponseMs: { p50: publishHist.percentile(50) / 1000, p99: publishHist.percentile(99) / 1000 },
    published: published - pub0 + notSent,
    publishFailed: publishFailed - fail0 + notSent,
    expectedDeliveries: expected,
    receivedDeliveries: got,
    lost: Math.max(0, expected - got),
    drained,
    unexpectedCloses: unexpectedCloses - closes0,
  };
}

main(async () => {
  const conns = [];
  const t0 = performance.now();
  const pool = await runPool(subscribers, connectConcurrency, async (i) => {
    const conn = await connectPusher({ port: subscriberPorts[i % subscriberPorts.length], key, onMessage, onClose });
    await Promise.race([
      conn.subscribe(channel),
      sleep(20_000).then(() => {
        throw new Error('subscribe timed out');
      }),
    ]);
    conns.push(conn);
  });
  if (pool.failed > 0) throw new Error(`${pool.failed}/${subscribers} subscribers failed: ${pool.firstError}`);
  const connectMs = Math.round(performance.now() - t0);
  log(`${subscribers} subscribers ready in ${connectMs} ms`);

  http = await Promise.all(Array.from({ length: publishConns }, () => openHttp({ port })));
  free = [...http];

  const results = [];
  for (const rate of steps) {
    const r = await runStep(rate);
    // A sweep step also fails when the server did not keep up with the offered rate.
    r.pass =
      r.lost === 0 && r.publishFailed === 0 && r.drained && r.unexpectedCloses === 0 &&
      (p99LimitMs === null || (r.latencyMs.p99 <= p99LimitMs && r.achievedDeliveriesPerSec >= 0.95 * rate));
    if (!r.pass) {
      r.firstPublishError = firstPublishError;
      r.firstCloseError = firstCloseError;
    }
    results.push(r);
    log(
      `${rate} deliveries/s: ${r.cpuUsPerDelivery} CPU-µs/delivery, p99 ${r.latencyMs.p99} ms, lost ${r.lost}, ` +
        `server ${r.serverCpuPercent}% client ${r.clientCpuPercent}%, ${r.cleanWindows}/${r.windows} clean windows` +
        `${r.pass ? '' : ` -> FAIL ${r.firstPublishError ?? r.firstCloseError ?? ''}`}`,
    );
    if (!r.pass && p99LimitMs !== null) break;
    await sleep(200);
  }
  for (const c of conns) c.close();
  for (const h of http) h.socket.destroy();
  return { steps: results, connectMs, firstPublishError, firstCloseError };
});
