// Idle memory: open connections in steps (each subscribed to its own public channel, like a
// Laravel user's private channel), pausing after each step so the orchestrator can GC the server
// and read its RSS. Connections then sit idle until told to finish.
import { connectPusher, runPool } from '../lib/pusher-client.mjs';
import { main, params, send, waitMessage, sleep } from './common.mjs';

const { port, key = 'bench-key', steps, concurrency = 200, channelPrefix = 'idle-' } = params;

main(async () => {
  const conns = [];
  const reached = [];
  for (const target of steps) {
    const start = conns.length;
    const pool = await runPool(target - start, concurrency, async (i) => {
      const conn = await connectPusher({ port, key });
      conns.push(conn);
      await Promise.race([
        conn.subscribe(`${channelPrefix}${start + i}`),
        sleep(20_000).then(() => {
          throw new Error('subscribe timed out');
        }),
      ]);
    });
    if (pool.failed > 0) throw new Error(`${pool.failed} of ${target - start} connections failed: ${pool.firstError}`);
    reached.push(conns.length);
    send({ type: 'step', connections: conns.length });
    await waitMessage('continue');
  }
  for (const c of conns) c.close();
  return { reached };
});
