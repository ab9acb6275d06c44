// Presence join: `members` connections (opened first, not timed) join one presence channel at once.
// The app server's auth signatures are computed here as soon as each socket_id is known, exactly
// what Laravel's /broadcasting/auth would return. Timed: from sending the first subscribe until
// every member has its subscription_succeeded and every member_added has been delivered
// (members × (members − 1) / 2 of them).
import { connectPusher, runPool } from '../lib/pusher-client.mjs';
import { indexWithin, readIntAfter } from '../lib/ws-raw.mjs';
import { presenceAuth } from '../lib/sign.mjs';
import { measureWindow } from '../lib/proc.mjs';
import { main, params, until } from './common.mjs';

const {
  port,
  serverPid,
  serverCore = null,
  loadCore = null,
  key = 'bench-key',
  secret = 'bench-secret',
  members,
  channel = 'presence-bench',
  timeoutMs = 60_000,
  // Cluster runs: members connect round-robin to these ports (default: `port`).
  subscriberPorts = [port],
} = params;

const MEMBER_ADDED = Buffer.from('member_added');
const SUCCEEDED = Buffer.from('subscription_succeeded');
const COUNT = Buffer.from('count');

let memberAdded = 0;
let maxCount = 0;
function onMessage(conn, buf, start, end) {
  const head = Math.min(end, start + 120);
  if (indexWithin(buf, MEMBER_ADDED, start, head) !== -1) {
    memberAdded++;
    return;
  }
  if (indexWithin(buf, SUCCEEDED, start, head) !== -1 || indexWithin(buf, SUCCEEDED, start, end) !== -1) {
    // "count" sits at the end of the member list: search backwards from the frame's end.
    const i = buf.lastIndexOf(COUNT, end);
    if (i >= start) maxCount = Math.max(maxCount, readIntAfter(buf, i + COUNT.length, end));
  }
}

main(async () => {
  const conns = new Array(members);
  const pool = await runPool(members, 100, async (i) => {
    conns[i] = await connectPusher({ port: subscriberPorts[i % subscriberPorts.length], key, onMessage });
  });
  if (pool.failed) throw new Error(`${pool.failed} connections failed: ${pool.firstError}`);
  const frames = conns.map((conn, i) => {
    const channelData = JSON.stringify({ user_id: String(i + 1), user_info: { name: `Member ${i + 1}` } });
    const auth = presenceAuth({ key, secret, socketId: conn.socketId, channel, channelData });
    return JSON.stringify({ event: 'pusher:subscribe', data: { auth, channel_data: channelData, channel } });
  });

  const expectedAdded = (members * (members - 1)) / 2;
  let subscribed = 0;
  let failed = 0;
  let firstError = null;
  const meter = measureWindow({ serverPid, serverCore, loadCore });
  const t0 = performance.now();
  let allSubscribedMs = null;
  const joins = conns.map((conn, i) =>
    conn.subscribeRaw(frames[i]).then(
      () => {
        if (++subscribed === members) allSubscribedMs = performance.now() - t0;
      },
      (err) => {
        failed++;
        firstError ??= err.message;
      },
    ),
  );
  const complete = await until(() => subscribed + failed === members && memberAdded >= expectedAdded, timeoutMs, 2);
  const totalMs = performance.now() - t0;
  const m = meter.stop();
  await Promise.race([Promise.all(joins), new Promise((r) => setTimeout(r, 10))]);
  for (const c of conns) c.close();
  return {
    members,
    complete,
    subscribed,
    failed,
    firstError,
    memberAddedReceived: memberAdded,
    memberAddedExpected: expectedAdded,
    lastMemberCount: maxCount,
    totalMs: Math.round(totalMs),
    allSubscribedMs: allSubscribedMs === null ? null : Math.round(allSubscribedMs),
    serverCpuMs: Math.round(m.serverCpuUs / 1000),
    ...m,
  };
});
