// The cluster scenario: two sidecar nodes sharing one redis-server against one local sidecar, in
// the same run. Subscribers and presence members are spread over both nodes; events are published
// through node A, so every delivery on node B crossed Redis pub/sub. CPU is summed over every
// process that serves (both nodes and Redis), all pinned to the server CPU like the single node.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startServer, pinned } from './servers.mjs';
import { runLoad } from './load.mjs';
import { loadParams } from './scenarios.mjs';

export function clusterPlan({ quick }) {
  return {
    // 1,000 subscribers × 10 events/s = 10,000 deliveries/s: the rate the p99 target is set at.
    fanout: { subscribers: 1000, rate: 10_000, warmupMs: quick ? 1000 : 2000, windowMs: quick ? 2000 : 3000, cleanWindows: quick ? 1 : 3, maxWindows: quick ? 2 : 8 },
    publish: { concurrency: 32, warmupMs: 1000, durationMs: quick ? 4000 : 10_000 },
    presence: { members: 1000 },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(env) {
  const port = await freePort();
  const [cmd, args] = pinned(env.serverCore, env.nice, ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}); is it installed (apt-get install redis-server)?`)));
  });
  return {
    pid: child.pid,
    url: `redis://127.0.0.1:${port}/0`,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** One local node, or two nodes + Redis: `servers.ports` to spread clients, `pids` to sum CPU. */
async function withServers(env, mode, label, body) {
  const common = { cpu: env.serverCore, nice: env.nice, logDir: env.logDir, cpuProfDir: env.profileDir, sidecarRoot: env.sidecarRoot };
  if (mode === 'local') {
    const node = await startServer('sidecar', { ...common, label: `local-${label}` });
    try {
      return await body({ port: node.port, ports: [node.port], pids: [node.pid] });
    } finally {
      await node.stop();
    }
  }
  const redis = await startRedis(env);
  const nodes = [];
  try {
    const prefix = `bench-${label}`;
    for (const name of ['a', 'b']) {
      nodes.push(await startServer('sidecar', { ...common, label: `cluster-${name}-${label}`, extraArgs: ['--redis-url', redis.url, '--redis-prefix', prefix] }));
    }
    return await body({ port: nodes[0].port, ports: nodes.map((n) => n.port), pids: [...nodes.map((n) => n.pid), redis.pid] });
  } finally {
    for (const node of nodes) await node.stop();
    await redis.stop();
  }
}

/** The load scripts' base parameters, plus every node's port for spreading subscribers. */
function params(env, servers, capMs) {
  return { ...loadParams(env, { port: servers.port, pid: servers.pids }, capMs), subscriberPorts: servers.ports };
}

/** Runs the three measurements for one mode ('local' or 'cluster'). */
export async function clusterScenario(env, mode, cfg) {
  const load = (script, p) => runLoad(script, p, { cpu: env.loadCore, nice: env.nice, onLog: (t) => env.log(`    ${t}`) });
  const fanout = await withServers(env, mode, 'fanout', (servers) =>
    load('fanout.mjs', { ...params(env, servers, 120_000), subscribers: cfg.fanout.subscribers, steps: [cfg.fanout.rate], ...cfg.fanout, maxForeignPercent: env.maxForeignPercent }),
  );
  const publish = await withServers(env, mode, 'publish', (servers) =>
    load('publish.mjs', { ...params(env, servers, cfg.publish.durationMs + 60_000), ...cfg.publish }),
  );
  const presence = await withServers(env, mode, 'presence', (servers) =>
    load('presence.mjs', { ...params(env, servers, 90_000), members: cfg.presence.members }),
  );
  const step = fanout.steps[0];
  return {
    cpuUsPerDelivery: step.cpuUsPerDelivery,
    p99Ms: step.latencyMs.p99,
    lost: step.lost,
    publishPerSecond: publish.perSecond,
    presenceJoinMs: presence.totalMs,
    presenceComplete: presence.complete,
    fanout: step,
    publish,
    presence,
  };
}

/** The comparison lines: cluster against local, with the targets. */
export function renderCluster(result) {
  const local = result?.local;
  const cluster = result?.cluster;
  if (!local || !cluster || local.error || cluster.error) return `Cluster: ${local?.error ?? cluster?.error ?? 'not run'}`;
  const ratio = (a, b) => (b ? (a / b).toFixed(2) : '-');
  return [
    '| cluster (2 nodes + Redis) vs 1 local node | local | cluster | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    `| CPU µs per delivery (summed over nodes + Redis), 10k deliveries/s | ${local.cpuUsPerDelivery} | ${cluster.cpuUsPerDelivery} | ${ratio(cluster.cpuUsPerDelivery, local.cpuUsPerDelivery)} | ≤ 1.25 |`,
    `| p99 ms at 10k deliveries/s | ${local.p99Ms} | ${cluster.p99Ms} | +${(cluster.p99Ms - local.p99Ms).toFixed(1)} ms | ≤ +5 ms |`,
    `| publish req/s (through node A) | ${local.publishPerSecond} | ${cluster.publishPerSecond} | ${ratio(cluster.publishPerSecond, local.publishPerSecond)} | — |`,
    `| presence join of 1,000 members, ms | ${local.presenceJoinMs} | ${cluster.presenceJoinMs} | ${ratio(cluster.presenceJoinMs, local.presenceJoinMs)} | ≤ 1.5 |`,
  ].join('\n');
}
