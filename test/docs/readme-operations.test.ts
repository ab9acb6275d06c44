import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMetricsTable } from '../../src/metrics/metrics-table.js';
import { WEBHOOK_EVENT_NAMES } from '../../src/config/schema.js';
import { CHECK_IDS } from '../../src/doctor/check-result.js';

const doc = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README operations section', () => {
  it('carries the metric table generated from the registry', () => {
    const between = doc.slice(doc.indexOf('<!-- metrics:start -->') + '<!-- metrics:start -->'.length, doc.indexOf('<!-- metrics:end -->')).trim();
    expect(between).toBe(renderMetricsTable());
  });

  it('documents every webhook event and every doctor check', () => {
    for (const event of WEBHOOK_EVENT_NAMES) expect(doc).toContain(`| \`${event}\` |`);
    for (const id of CHECK_IDS) expect(doc).toContain(`\`${id}\``);
  });
});
