import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from '../../src/metrics/prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads samples with labels, escapes and special values, skipping comments', () => {
    const result = parsePrometheusText([
      '# HELP x_total Things.',
      '# TYPE x_total counter',
      'x_total{app_id="a",reason="say \\"hi\\"\\n"} 3',
      'x_total{app_id="b"} 4 1700000000000',
      'up 1',
      'h_bucket{le="+Inf"} 2',
      'g -Inf',
    ].join('\n'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.samples[0]).toEqual({ name: 'x_total', labels: { app_id: 'a', reason: 'say "hi"\n' }, value: 3 });
    expect(sumOf(result.samples, 'x_total')).toBe(7);
    expect(sumOf(result.samples, 'x_total', { app_id: 'b' })).toBe(4);
    expect(sumOf(result.samples, 'h_bucket', { le: '+Inf' })).toBe(2);
    expect(result.samples.at(-1)!.value).toBe(-Infinity);
  });

  it('refuses an answer that is not Prometheus text instead of throwing', () => {
    expect(parsePrometheusText('<html><body>Welcome to nginx</body></html>')).toEqual({ ok: false, reason: 'the answer is not Prometheus text' });
    expect(parsePrometheusText('')).toEqual({ ok: true, samples: [] });
  });
});
