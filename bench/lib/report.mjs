// Turn raw scenario results into the one table (markdown, readable in a terminal too), and keep
// BENCHMARKS.md's run log.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const fmt = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : Number(v).toFixed(digits));
const int = (v) => (v === null || v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'));
const mb = (b) => (b / 1048576).toFixed(1);
/** Load-generator CPU % at which a ceiling says more about the client than the server. */
const CLIENT_BOUND = 95;

/**
 * Each row: figures for both servers, the ratio sidecar/baseline, and (when there is one) the
 * target with its direction. `value` picks the number the ratio is computed from.
 */
export function buildRows(results) {
  const rows = [];
  const get = (scenario, kind) => results[scenario]?.[kind];
  const add = (label, scenario, value, show, target) => {
    const s = get(scenario, 'sidecar');
    const b = get(scenario, 'baseline');
    const sv = s && !s.error ? value(s) : null;
    const bv = b && !b.error ? value(b) : null;
    const ratio = sv !== null && bv !== null && bv !== 0 ? sv / bv : null;
    let verdict = '';
    if (target && ratio !== null) {
      const ok = target.op === '<=' ? ratio <= target.value : ratio >= target.value;
      verdict = ok ? 'met' : 'MISSED';
    }
    const noisy = (x) => (x?.noisy ? ' (noisy)' : '');
    rows.push({
      label,
      sidecar: s?.error ? `error: ${s.error.split('\n')[0].slice(0, 60)}` : s ? show(s) + noisy(s) : 'not run',
      baseline: b?.error ? `error: ${b.error.split('\n')[0].slice(0, 60)}` : b ? show(b) + noisy(b) : 'not run',
      sidecarValue: sv,
      baselineValue: bv,
      ratio,
      target: target ? `${target.op === '<=' ? '≤' : '≥'} ${target.value.toFixed(2)}` : '',
      verdict,
    });
  };

  for (const n of [1000, 10_000]) {
    const key = `fanout-${n}`;
    const k = n >= 1000 ? `${n / 1000}k` : String(n);
    add(`Fan-out ${k} subs @100k deliveries/s: server CPU-µs per delivery`, key, (r) => r.cpuUsPerDelivery, (r) => fmt(r.cpuUsPerDelivery), { op: '<=', value: 1.15 });
    add(`Fan-out ${k}: latency p50 / p95 / p99 ms (ratio on p99)`, key, (r) => r.latencyMs.p99, (r) => `${fmt(r.latencyMs.p50, 1)} / ${fmt(r.latencyMs.p95, 1)} / ${fmt(r.latencyMs.p99, 1)}`, { op: '<=', value: 1.15 });
    add(`Fan-out ${k}: messages lost (of delivered)`, key, (r) => r.lost, (r) => `${int(r.lost)} of ${int(r.expectedDeliveries)}`);
  }
  add('Fan-out ceiling (1k subs, p99 ≤ 250 ms, 0 lost): deliveries/s [server / client CPU]', 'ceiling', (r) => r.maxDeliveriesPerSec, (r) => `${int(r.maxDeliveriesPerSec)} [${fmt(r.serverCpuPercent, 0)}% / ${fmt(r.clientCpuPercent, 0)}%]${(r.clientCpuPercent ?? 0) >= CLIENT_BOUND ? ' client-bound' : ''}`);
  add('Idle RSS after GC at 0 / … connections, MB', 'idle', (r) => r.points.at(-1).rss, (r) => r.points.map((p) => `${mb(p.rss)}@${p.connections}`).join(' / '));
  add('Idle RSS at 0 connections after GC, MB', 'idle', (r) => r.points[0].rss, (r) => mb(r.points[0].rss), { op: '<=', value: 1.2 });
  add('Idle memory per subscribed connection, bytes (RSS)', 'idle', (r) => r.bytesPerConnection, (r) => int(r.bytesPerConnection), { op: '<=', value: 1.1 });
  add('Idle JS heap per connection, bytes (heapUsed + external after GC; cross-check)', 'idle', (r) => r.heapBytesPerConnection, (r) => int(r.heapBytesPerConnection));
  add('Handshakes/s (connection_established + public subscribe)', 'handshake', (r) => r.perSecond, (r) => `${int(r.perSecond)} (${int(r.completed)} in ${int(r.elapsedMs)} ms)`, { op: '>=', value: 0.8 });
  add('Handshakes: server CPU-µs per handshake (noise-robust cross-check)', 'handshake', (r) => r.serverCpuUsPerHandshake, (r) => int(r.serverCpuUsPerHandshake));
  add('HTTP publish req/s (32 keep-alive conns; baseline skips signature)', 'publish', (r) => r.perSecond, (r) => `${int(r.perSecond)}${r.non2xx || r.errors ? ` (${int((r.non2xx ?? 0) + (r.errors ?? 0))} failed)` : ''}`, { op: '>=', value: 0.8 });
  add('HTTP publish latency p50 / p99 ms (ratio on p99)', 'publish', (r) => r.latencyMs.p99, (r) => `${fmt(r.latencyMs.p50)} / ${fmt(r.latencyMs.p99)}`, { op: '<=', value: 1.5 });
  add('HTTP publish: server CPU-µs per request (noise-robust cross-check)', 'publish', (r) => r.serverCpuUsPerRequest, (r) => fmt(r.serverCpuUsPerRequest, 1), { op: '<=', value: 1.3 });
  add('HTTP publish: server CPU-µs per request, both servers at once at the same fixed rate (paired)', 'publish-paired', (r) => r.serverCpuUsPerRequest, (r) => `${fmt(r.serverCpuUsPerRequest, 1)} @${int(r.rate)}/s${r.failed ? ` (${int(r.failed)} failed)` : ''}`, { op: '<=', value: 1.3 });
  batchRow(rows, results);
  add('Presence join, 1000 members: total ms', 'presence', (r) => r.totalMs, (r) => `${int(r.totalMs)}${r.complete ? '' : ' (INCOMPLETE)'}`);
  add('Presence join: server CPU ms (member_added delivered)', 'presence', (r) => r.serverCpuMs, (r) => `${int(r.serverCpuMs)} (${int(r.memberAddedReceived)})`);
  const consoleRun = results.console?.sidecar;
  if (consoleRun && !consoleRun.error && !consoleRun.skipped && consoleRun.off && consoleRun.on) {
    // Sidecar against itself: the same fan-out with the debug console closed, then one console open.
    const { off, on, stream } = consoleRun;
    rows.push({
      label: 'Debug console open vs closed, fan-out 1k: CPU-µs per delivery [p99 ms] (ratio on CPU)',
      sidecar: `${fmt(on.cpuUsPerDelivery)} [${fmt(on.latencyMs.p99, 1)}] open; ${stream ? `${int(stream.entries)} entries, ${int(stream.dropped)} dropped, ${int(stream.sampledNotices)} sampling notices` : 'no stream'}`,
      baseline: `${fmt(off.cpuUsPerDelivery)} [${fmt(off.latencyMs.p99, 1)}] closed`,
      sidecarValue: on.cpuUsPerDelivery,
      baselineValue: off.cpuUsPerDelivery,
      ratio: consoleRun.cpuRatio,
      target: '',
      verdict: '',
    });
  }
  return rows;
}

/**
 * batch_events of 10: the sidecar's events/s against its own single-event events/s (the baseline
 * has no batch route), so the ratio says how much a Laravel app gains by batching.
 */
function batchRow(rows, results) {
  const batch = results['publish-batch']?.sidecar;
  const single = results.publish?.sidecar;
  const ok = (r) => r && !r.error && !r.skipped;
  const ratio = ok(batch) && ok(single) && single.perSecond > 0 ? batch.eventsPerSecond / single.perSecond : null;
  rows.push({
    label: `HTTP batch_events (${batch?.events ?? 10} events): req/s / events/s (ratio: events/s ÷ single-event events/s)`,
    sidecar: !batch ? 'not run' : batch.error ? `error: ${batch.error.split('\n')[0].slice(0, 60)}` : `${int(batch.perSecond)} / ${int(batch.eventsPerSecond)}${batch.noisy ? ' (noisy)' : ''}`,
    baseline: 'no batch route',
    sidecarValue: ok(batch) ? batch.eventsPerSecond : null,
    baselineValue: null,
    ratio,
    target: '≥ 5.00',
    verdict: ratio === null ? '' : ratio >= 5 ? 'met' : 'MISSED',
  });
}

/** One line: the publish ratios against their standing targets (null when publish did not run). */
export function publishGuard(rows) {
  const pick = (prefix) => rows.find((r) => r.label.startsWith(prefix));
  const parts = [
    ['req/s', pick('HTTP publish req/s')],
    ['CPU/request', pick('HTTP publish: server CPU-µs per request (noise')],
    ['CPU/request paired', pick('HTTP publish: server CPU-µs per request, both')],
    ['p99', pick('HTTP publish latency')],
    ['batch events/s', pick('HTTP batch_events')],
  ].filter(([, r]) => r && r.ratio !== null);
  if (parts.length === 0) return null;
  return `Publish ratios (standing targets): ${parts.map(([name, r]) => `${name} ×${r.ratio.toFixed(2)} (${r.target}${r.verdict === 'MISSED' ? ', MISSED' : ''})`).join(' · ')}`;
}

export function renderTable(rows) {
  const head = ['Scenario', 'Sidecar', 'Baseline', 'Ratio', 'Target', ''];
  const body = rows.map((r) => [r.label, r.sidecar, r.baseline, r.ratio === null ? 'n/a' : r.ratio.toFixed(2), r.target, r.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const RUNS_END = '<!-- bench-runs:end -->';

/** One line for BENCHMARKS.md's run log. */
export function runLogRow(meta, rows) {
  const pick = (prefix) => rows.find((r) => r.label.startsWith(prefix));
  const cell = (prefix, digits = 2, scale = 1) => {
    const r = pick(prefix);
    if (!r || r.sidecarValue === null) return 'n/a';
    const v = (r.sidecarValue / scale).toFixed(digits);
    return r.ratio === null ? v : `${v} (×${r.ratio.toFixed(2)})`;
  };
  const lost = rows
    .filter((r) => r.label.includes('messages lost'))
    .map((r) => (r.sidecarValue ?? 'n/a'))
    .join('/');
  return `| ${meta.date} | ${meta.mode} | \`${meta.gitRevision}\` | ${meta.node} | ${meta.cpuModel} ×${meta.cpus} | ${meta.pinning} | ` +
    `${cell('Fan-out 1k subs')} | ${cell('Fan-out 10k subs')} | ${cell('Fan-out 1k: latency', 1)} | ${cell('Fan-out 10k: latency', 1)} | ${lost} | ` +
    `${cell('Idle memory per', 0)} | ${cell('Handshakes/s', 0)} | ${cell('HTTP publish req/s', 0)} | ${cell('Fan-out ceiling', 0, 1000)}k | ${cell('Presence join, 1000', 0)} |`;
}

export const RUN_LOG_HEADER =
  '| Date (UTC) | Mode | Rev | Node | CPU | Pinning | Fan-out µs/delivery 1k (×base) | 10k | p99 ms 1k | p99 ms 10k | Lost 1k/10k | Idle B/conn | Handshakes/s | Publish req/s | Ceiling deliveries/s | Presence join ms |\n' +
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

/** Insert the row before the run-log end marker (creating the section if the file lacks it). */
export function appendRunLog(file, row) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (!text.includes(RUNS_END)) {
    text = `${text.trimEnd()}\n\n## Run log\n\nAppended by \`npm run bench\` (sidecar figure, ratio to the baseline in brackets).\n\n${RUN_LOG_HEADER}\n${RUNS_END}\n`;
  }
  text = text.replace(RUNS_END, `${row}\n${RUNS_END}`);
  writeFileSync(file, text);
}
