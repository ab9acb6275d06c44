// Handshakes: `total` connections, each completing pusher:connection_established and a public
// subscribe (subscription_succeeded), at most `concurrency` in flight. Connections stay open until
// the end, as in a reconnect storm. Reports connections/s and server CPU per handshake.
import { Histogram } from '../lib/histogram.mjs';
import { connectPusher, runPool } from '../lib/pusher-client.mjs';
import { measureWindow } from '../lib/proc.mjs';
import { main, params, sleep } from './common.mjs';

const { port, serverPid, serverCore = null, loadCore = null, key = 'bench-key', total, concurrency = 128, channel = 'bench-handshake' } = params;

main(async () => {
  const hist = new Histogram();
  const conns = [];
  const meter = measureWindow({ serverPid, serverCore, loadCore });
  const t0 = performance.now();
  const pool = await runPool(total, concurrency, async () => {
    const t = performance.now();
    const conn = await connectPusher({ port, key });
    conns.push(conn);
    await Promise.race([
      conn.subscribe(channel),
      sleep(20_000).then(() => {
        throw new Error('subscribe timed out');
      }),
    ]);
    hist.record((performance.now() - t) * 1000);
  });
  const elapsedMs = performance.now() - t0;
  const m = meter.stop();
  for (const c of conns) c.close();
  const lat = hist.summary();
  return {
    total,
    concurrency,
    completed: pool.ok,
    failed: pool.failed,
    firstError: pool.firstError,
    elapsedMs: Math.round(elapsedMs),
    perSecond: Math.round(pool.ok / (elapsedMs / 1000)),
    serverCpuUsPerHandshake: pool.ok ? Math.round(m.serverCpuUs / pool.ok) : null,
    latencyMs: { p50: lat.p50Us / 1000, p99: lat.p99Us / 1000, max: lat.maxUs / 1000 },
    ...m,
  };
});
