/** One line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export type ParseResult = { ok: true; samples: Sample[] } | { ok: false; reason: string };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) return text.slice(LABEL.lastIndex).trim() === '' ? labels : undefined;
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Reads a /metrics answer (ours or a remote one: untrusted, so bad lines are skipped rather than
 * thrown on). Fails only when nothing in it looks like Prometheus text.
 */
export function parsePrometheusText(text: string): ParseResult {
  const samples: Sample[] = [];
  let other = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    const labels = match ? parseLabels(match[2] ?? '') : undefined;
    if (!match || !labels) {
      other++;
      continue;
    }
    samples.push({ name: match[1]!, labels, value: parseValue(match[3]!) });
  }
  if (samples.length === 0 && other > 0) return { ok: false, reason: 'the answer is not Prometheus text' };
  return { ok: true, samples };
}

/** Sum of the samples of one metric whose labels include `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (Object.entries(match).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
  }
  return total;
}
