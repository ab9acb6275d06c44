import { Metrics } from './metrics.js';

interface MetricShape {
  name: string;
  help: string;
  type: string;
  labelNames?: readonly string[];
}

/** The README metric table, generated from a live registry so it cannot drift from the code. */
export function renderMetricsTable(): string {
  const metrics = new Metrics({ version: 'docs', defaultMetrics: false });
  void metrics.close();
  const rows = (metrics.registry.getMetricsAsArray() as unknown as MetricShape[])
    .map((m) => `| \`${m.name}\` | ${m.type} | ${(m.labelNames ?? []).map((l) => `\`${l}\``).join(', ') || '—'} | ${m.help.replace(/\|/g, '\\|')} |`);
  return ['| metric | type | labels | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
