import { ALL_CODES } from '../protocol/codes.js';
import { METRIC_PREFIX } from './metrics.js';
import { sumOf, type Sample } from './prometheus-text.js';

const TOP_REJECTIONS = 5;

function metric(name: string): string {
  return METRIC_PREFIX + name;
}

function compact(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) < 1000) return String(Math.round(n));
  const units: Array<[number, string]> = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (Math.abs(n) >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 1)}${unit}`;
  return String(n);
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

/** Values of one label across a metric's samples, largest total first. */
function byLabel(samples: readonly Sample[], name: string, label: string): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const s of samples) {
    const value = s.labels[label];
    if (s.name !== name || value === undefined) continue;
    totals.set(value, (totals.get(value) ?? 0) + s.value);
  }
  return [...totals].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}

function list(entries: Array<[string, number]>): string {
  return entries.map(([key, n]) => `${key} ×${compact(n)}`).join(', ');
}

/**
 * The one-screen summary `pusher-sidecar status` prints, from a scrape of /metrics. Everything in
 * it is already public on the metrics endpoint: no secrets can appear.
 */
export function renderStatus(samples: readonly Sample[], source: string, nowSeconds: number): string {
  const out: string[] = [];
  const version = samples.find((s) => s.name === metric('info'))?.labels.version ?? 'unknown';
  out.push(`pusher-sidecar ${version} — ${source}`);
  const facts: string[] = [];
  const started = sumOf(samples, 'process_start_time_seconds');
  if (started > 0) facts.push(`up ${duration(nowSeconds - started)}`);
  const memory = sumOf(samples, 'process_resident_memory_bytes');
  if (memory > 0) facts.push(`memory ${compact(memory / 1024 / 1024)} MB`);
  if (samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')) {
    facts.push(`event-loop lag ${(sumOf(samples, 'nodejs_eventloop_lag_seconds') * 1000).toFixed(1)} ms`);
  }
  if (facts.length > 0) out.push(facts.join(' · '));
  out.push('');

  const apps = [...new Set(samples.filter((s) => s.name === metric('connections')).map((s) => s.labels.app_id ?? ''))].sort();
  const rows = [['app', 'connections', 'channels', 'subscriptions', 'msgs in', 'msgs out']];
  for (const app of apps) {
    const l = { app_id: app };
    rows.push([
      app,
      compact(sumOf(samples, metric('connections'), l)),
      compact(sumOf(samples, metric('channels'), l)),
      compact(sumOf(samples, metric('subscriptions'), l)),
      compact(sumOf(samples, metric('messages_received_total'), l)),
      compact(sumOf(samples, metric('messages_sent_total'), l)),
    ]);
  }
  out.push(...(apps.length > 0 ? table(rows) : ['no apps reported']));
  out.push('');

  const closed = byLabel(samples, metric('connections_closed_total'), 'code');
  out.push(`connections: ${compact(sumOf(samples, metric('connections')))} open · ${compact(sumOf(samples, metric('connections_opened_total')))} opened · `
    + `${compact(sumOf(samples, metric('connections_closed_total')))} closed${closed.length > 0 ? ` (${list(closed.slice(0, 4))})` : ''}`);
  const statuses = byLabel(samples, metric('http_requests_total'), 'status');
  const errors = statuses.filter(([status]) => Number(status) >= 400);
  out.push(`http api: ${compact(sumOf(samples, metric('http_requests_total')))} requests`
    + `${errors.length > 0 ? ` · errors ${list(errors.slice(0, 4))}` : ''}`);
  const auth = byLabel(samples, metric('auth_forwards_total'), 'outcome');
  if (auth.length > 0) out.push(`auth forwards: ${list(auth)}`);

  const rejections = samples
    .filter((s) => s.name === metric('rejections_total') && s.value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, TOP_REJECTIONS);
  out.push('');
  if (rejections.length === 0) {
    out.push('rejections: none');
  } else {
    out.push('top rejections (details: pusher-sidecar codes <code>):');
    const rows = rejections.map((s) => {
      const entry = ALL_CODES.find((e) => e.id === s.labels.reason);
      return [`  ${s.labels.code ?? '?'}`, s.labels.reason ?? '?', `×${compact(s.value)}`, entry?.message ?? '(not in this version\'s catalogue)'];
    });
    out.push(...rows.map((row, i) => `${row[0]!.padEnd(7)} ${row[1]!.padEnd(Math.max(...rows.map((r) => r[1]!.length)))}  ${row[2]!.padStart(Math.max(...rows.map((r) => r[2]!.length)))}  ${rows[i]![3]}`));
  }

  out.push('');
  const dropped = byLabel(samples, metric('webhook_dropped_events_total'), 'reason');
  out.push(`webhooks: backlog ${compact(sumOf(samples, metric('webhook_backlog_events')))} events · `
    + `delivered ${compact(sumOf(samples, metric('webhook_requests_total'), { result: 'delivered' }))} requests · `
    + `retries ${compact(sumOf(samples, metric('webhook_retries_total')))} · `
    + `dropped ${compact(sumOf(samples, metric('webhook_dropped_events_total')))}${dropped.length > 0 ? ` (${list(dropped)})` : ''}`);
  return out.join('\n') + '\n';
}
