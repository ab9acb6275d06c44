// Benchmark orchestrator: the sidecar against a bare `ws` baseline, side by side, in one run.
//
//   npm run bench               full run (< 15 min), appends a row to BENCHMARKS.md
//   npm run bench -- --quick    ~2-minute smoke; prints the table, writes bench/results/*.json
//
// Options:
//   --only=sidecar|baseline     run one server (e.g. while the sidecar is not built yet)
//   --scenarios=a,b             subset of: fanout,ceiling,idle,handshake,publish,presence,console,cluster
//                               (cluster: 2 sidecar nodes + redis-server vs 1 local node; needs redis-server)
//   --profile                   run the servers with --cpu-prof (figures are then not recorded)
//   --record / --no-record      force / skip the BENCHMARKS.md row (default: record full runs)
//   --no-nice                   do not raise the priority of the measured processes
//   --no-wrk                    use the built-in HTTP client even if wrk is installed
//   --sidecar-root=DIR          run the sidecar from another checkout's bin/ + dist/ (A/B a change)
//   --render=FILE               print the table of a saved bench/results/*.json again, run nothing
//
// Every figure that matters is a ratio sidecar/baseline from the same run: the box is shared and
// noisy, so absolute numbers move between runs while the ratios hold.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from './lib/servers.mjs';
import { cpuModel } from './lib/proc.mjs';
import * as scenarios from './lib/scenarios.mjs';
import { clusterPlan, clusterScenario, renderCluster } from './lib/cluster.mjs';
import { buildRows, renderTable, runLogRow, appendRunLog, publishGuard } from './lib/report.mjs';
import { summarizeProfile, printProfile } from './lib/profile-summary.mjs';
import { median } from './lib/median.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

if (flag('help')) {
  // The header comment above is the usage text.
  const text = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(text.slice(0, text.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

if (option('render')) {
  const saved = JSON.parse(readFileSync(option('render'), 'utf8'));
  console.log(`${saved.meta.mode} run of ${saved.meta.date} UTC, rev ${saved.meta.gitRevision}, ${saved.meta.node}, ${saved.meta.cpuModel} ×${saved.meta.cpus}`);
  console.log(`\n${renderTable(buildRows(saved.results))}\n`);
  for (const n of saved.notes) console.log(n);
  process.exit(0);
}

const quick = flag('quick');
const profile = flag('profile');
const only = option('only');
const wanted = (option('scenarios') ?? 'fanout,ceiling,idle,handshake,publish,presence,console').split(',');
const kinds = only ? [only] : ['baseline', 'sidecar'];
const budgetMs = quick ? 170_000 : 14 * 60_000;
const started = Date.now();

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// --- environment ---------------------------------------------------------------------------------
const notes = [];
const cpus = availableParallelism();
const hasTaskset = cpus >= 2 && sh('taskset', ['-c', '0', 'true']) !== null;
const serverCore = hasTaskset ? 0 : null;
const loadCore = hasTaskset ? 1 : null;
if (hasTaskset) {
  // The orchestrator itself stays off the server's core too (it mostly sleeps while load runs).
  sh('taskset', ['-a', '-p', '-c', String(loadCore), String(process.pid)]);
  notes.push(`Pinning: servers on CPU ${serverCore}, load generator and orchestrator on CPU ${loadCore} (taskset).`);
} else {
  notes.push(`Pinning: none (${cpus < 2 ? 'fewer than 2 CPUs' : 'taskset not found'}); server and load share the CPUs, so figures are rougher.`);
}
const nice = !flag('no-nice') && sh('nice', ['-n', '-10', 'nice']) === '-10';
notes.push(nice ? 'Priority: servers and load generator at nice -10 (both servers alike).' : 'Priority: default (nice -10 not permitted or --no-nice).');

const hardFiles = Number(sh('sh', ['-c', 'ulimit -Hn'])) || 1024;
const ports = (sh('cat', ['/proc/sys/net/ipv4/ip_local_port_range']) ?? '32768 60999').split(/\s+/).map(Number);
const portSpan = ports[1] - ports[0];
// Each idle connection costs one descriptor in the server and one in the load generator (each
// process has its own limit; Node raises its soft limit to the hard one) plus one ephemeral port.
const maxIdleConnections = Math.max(0, Math.min(hardFiles - 1000, portSpan - 2000));
const cfg = scenarios.plan({ quick, maxIdleConnections });
const wantedIdle = quick ? 5000 : 15_000;
if (quick) {
  notes.push('Quick mode: idle memory stops at 5,000 connections, where per-connection RSS still includes V8 heap-growth steps; use the full run for that target.');
}
if (cfg.idle.steps.at(-1) < wantedIdle) {
  notes.push(`Idle memory scaled down to ${cfg.idle.steps.join(' / ')} connections: open-file hard limit ${hardFiles}, ephemeral ports ${portSpan} (raise \`ulimit -Hn\` for the full ${wantedIdle}).`);
} else {
  notes.push(`Open-file hard limit ${hardFiles}: enough for ${wantedIdle} idle connections.`);
}
const wrk = !flag('no-wrk') && sh('sh', ['-c', 'command -v wrk']) !== null;
notes.push(wrk ? 'HTTP publish load: wrk (Lua body).' : 'HTTP publish load: built-in raw-socket Node client (wrk not installed).');

const sidecarRoot = option('sidecar-root') ? resolve(option('sidecar-root')) : repoRoot;
if (sidecarRoot !== repoRoot) notes.push(`Sidecar run from ${sidecarRoot}.`);
const sidecarBuilt = existsSync(join(sidecarRoot, 'dist', 'cli', 'main.js'));
if (kinds.includes('sidecar') && !sidecarBuilt) {
  console.error('dist/cli/main.js is missing: run `npm run build` first (npm run bench does), or pass --only=baseline.');
  process.exit(1);
}

const resultsDir = join(repoRoot, 'bench', 'results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = join(resultsDir, 'logs', stamp);
const profileDir = profile ? join(resultsDir, 'profiles', stamp) : null;
mkdirSync(logDir, { recursive: true });
if (profileDir) mkdirSync(profileDir, { recursive: true });

const env = {
  serverCore,
  loadCore,
  nice,
  wrk,
  logDir,
  profileDir,
  sidecarRoot,
  maxForeignPercent: 5,
  log: (t) => console.log(t),
};

const gitRevision = (() => {
  const rev = sh('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const dirty = sh('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${rev}-dirty` : rev;
})();
const meta = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' '),
  mode: quick ? 'quick' : 'full',
  gitRevision,
  node: process.version,
  cpuModel: cpuModel(),
  cpus,
  pinning: hasTaskset ? 'taskset 0/1' : 'none',
  nice,
  loadClientForPublish: wrk ? 'wrk' : 'node',
  profiled: profile,
};

console.log(`pusher-sidecar bench (${meta.mode}) — ${meta.node}, ${meta.cpuModel} ×${cpus}, rev ${gitRevision}`);
for (const n of notes) console.log(`  ${n}`);

// --- run -----------------------------------------------------------------------------------------
const results = {};
let order = 0;

async function both(key, title, run, only = kinds) {
  if (Date.now() - started > budgetMs) {
    console.log(`\n${title}: skipped, the run's time budget is spent`);
    results[key] = { skipped: true };
    return;
  }
  console.log(`\n${title}`);
  results[key] ??= {};
  // Alternate which server goes first, so a drift in the box's state hits both alike.
  const sequence = order++ % 2 === 0 ? only : [...only].reverse();
  for (const kind of sequence) {
    console.log(`  ${kind}`);
    const t = Date.now();
    try {
      results[key][kind] = await run(kind);
    } catch (err) {
      results[key][kind] = { error: err instanceof Error ? err.message : String(err) };
      console.log(`    ERROR: ${results[key][kind].error}`);
    }
    console.log(`    (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
}

/** Fan-out runs in rounds (full mode: 2, alternating order); rounds are pooled per server. */
function poolFanout(list) {
  const ok = list.filter((r) => r && !r.error);
  if (ok.length === 0) return list[0];
  const clean = ok.filter((r) => r.cleanWindows > 0);
  const use = clean.length ? clean : ok;
  return {
    ...use[0],
    cpuUsPerDelivery: +median(use.map((r) => r.cpuUsPerDelivery)).toFixed(3),
    latencyMs: {
      p50: median(use.map((r) => r.latencyMs.p50)),
      p95: median(use.map((r) => r.latencyMs.p95)),
      p99: median(use.map((r) => r.latencyMs.p99)),
      max: Math.max(...use.map((r) => r.latencyMs.max)),
    },
    lost: ok.reduce((a, r) => a + r.lost, 0),
    expectedDeliveries: ok.reduce((a, r) => a + r.expectedDeliveries, 0),
    noisy: clean.length === 0,
    rounds: list,
  };
}

try {
  if (wanted.includes('fanout')) {
    for (const n of cfg.fanout.subscribers) {
      const perKind = {};
      for (let round = 1; round <= cfg.fanout.rounds; round++) {
        await both(`fanout-${n}-r${round}`, `Fan-out cost: ${n} subscribers, ${cfg.fanout.rate} deliveries/s (round ${round}/${cfg.fanout.rounds})`, (kind) =>
          scenarios.fanout(env, kind, cfg.fanout, n, round),
        );
        for (const kind of kinds) (perKind[kind] ??= []).push(results[`fanout-${n}-r${round}`][kind]);
        delete results[`fanout-${n}-r${round}`];
      }
      results[`fanout-${n}`] = Object.fromEntries(kinds.map((k) => [k, poolFanout(perKind[k].filter(Boolean))]));
    }
  }
  if (wanted.includes('ceiling')) await both('ceiling', 'Fan-out ceiling: rate sweep, 1000 subscribers', (k) => scenarios.ceiling(env, k, cfg.ceiling));
  if (wanted.includes('idle')) await both('idle', `Idle memory: ${cfg.idle.steps.join(' / ')} subscribed connections`, (k) => scenarios.idleMemory(env, k, cfg.idle));
  if (wanted.includes('handshake')) await both('handshake', `Handshakes: ${cfg.handshake.total} connect + subscribe`, (k) => scenarios.handshakes(env, k, cfg.handshake));
  if (wanted.includes('publish')) {
    await both('publish', `HTTP publish: ${cfg.publish.concurrency} concurrent, ${cfg.publish.durationMs / 1000} s`, (k) => scenarios.httpPublish(env, k, cfg.publish));
    if (kinds.includes('sidecar') && kinds.includes('baseline')) {
      console.log(`\nHTTP publish, both servers at once: ${cfg.publishPaired.rate} req/s each, ${cfg.publishPaired.windows} windows of ${cfg.publishPaired.windowMs / 1000} s`);
      try {
        results['publish-paired'] = await scenarios.publishPaired(env, cfg.publishPaired);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        results['publish-paired'] = { sidecar: { error }, baseline: { error } };
        console.log(`    ERROR: ${error}`);
      }
    }
    // The baseline has no batch route: batch_events is compared with the sidecar's own single-event events/s.
    if (kinds.includes('sidecar')) {
      await both('publish-batch', `HTTP batch_events: ${cfg.publishBatch.batch} events per request, ${cfg.publishBatch.concurrency} concurrent, ${cfg.publishBatch.durationMs / 1000} s`, (k) => scenarios.httpPublish(env, k, cfg.publishBatch), ['sidecar']);
    }
  }
  if (wanted.includes('presence')) await both('presence', `Presence join: ${cfg.presence.members} members`, (k) => scenarios.presenceJoin(env, k, cfg.presence));
  if (wanted.includes('cluster')) {
    // Not sidecar vs baseline: the same sidecar as one local node and as two nodes on Redis.
    const plan = clusterPlan({ quick });
    console.log('\nCluster: 2 sidecar nodes + Redis vs 1 local node');
    results.cluster = {};
    for (const mode of ['local', 'cluster']) {
      console.log(`  ${mode}`);
      try {
        results.cluster[mode] = await clusterScenario(env, mode, plan);
      } catch (err) {
        results.cluster[mode] = { error: err instanceof Error ? err.message : String(err) };
        console.log(`    ERROR: ${results.cluster[mode].error}`);
      }
    }
  }
  if (wanted.includes('console')) await both('console', `Debug console overhead: fan-out ${cfg.console.subscribers} subs, console closed vs one open`, (k) => scenarios.consoleOverhead(env, k, cfg.console));
} finally {
  meta.elapsedSec = Math.round((Date.now() - started) / 1000);
}

// --- report --------------------------------------------------------------------------------------
const { cluster: clusterResults, ...pairResults } = results;
const rows = buildRows(pairResults);
if (Object.keys(pairResults).length > 0) console.log(`\n${renderTable(rows)}\n`);
if (clusterResults) console.log(`\n${renderCluster(clusterResults)}\n`);
// The regression guard for the publish path (issue 10): printed by every run, --quick included.
const guard = publishGuard(rows);
if (guard) console.log(`${guard}\n`);
for (const n of notes) console.log(n);
console.log('Ratio = sidecar / baseline. CPU is utime+stime of the server process from /proc; kernel interrupt');
console.log('time for loopback TCP is charged to neither server. "(noisy)": other processes on the box took more');
console.log(`than ${env.maxForeignPercent}% of a core in every sample. Run took ${meta.elapsedSec} s.`);

const file = join(resultsDir, `${stamp}-${meta.mode}.json`);
writeFileSync(file, `${JSON.stringify({ meta, notes, plan: cfg, rows, results }, null, 2)}\n`);
console.log(`Results: ${file}`);

if (profileDir) {
  for (const f of readdirSync(profileDir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    printProfile(`Profile ${f}`, summarizeProfile(JSON.parse(readFileSync(join(profileDir, f), 'utf8')), 15), 12);
  }
}

const record = flag('record') || (!quick && !profile && !only && sidecarRoot === repoRoot && !flag('no-record'));
if (record) {
  if (Object.keys(pairResults).length > 0) {
    appendRunLog(join(repoRoot, 'BENCHMARKS.md'), runLogRow(meta, rows));
    console.log('Appended a row to BENCHMARKS.md.');
  }
  if (clusterResults) {
    // The cluster comparison is its own table (local node vs 2 nodes + Redis), not a baseline ratio row.
    appendFileSync(join(repoRoot, 'BENCHMARKS.md'), `\n### Cluster run ${meta.date} UTC, rev ${meta.gitRevision} (${meta.cpuModel} ×${meta.cpus})\n\n${renderCluster(clusterResults)}\n`);
    console.log('Appended the cluster table to BENCHMARKS.md.');
  }
}
