import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS, renderLimitsTable } from '../../src/docs/limits-table.js';
import { CODES } from '../../src/protocol/codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README security section', () => {
  it('has the table of caps generated from the schema and the catalogue (npm run docs)', () => {
    const start = readme.indexOf('<!-- limits:start -->');
    const end = readme.indexOf('<!-- limits:end -->');
    expect(start, 'README lacks the limits markers').toBeGreaterThan(-1);
    expect(readme.slice(start + '<!-- limits:start -->'.length, end).trim()).toBe(renderLimitsTable());
  });

  it('lists the per-IP, per-connection and server-wide caps with their codes', () => {
    const scopes = (code: (typeof CODES)[keyof typeof CODES]) => LIMITS.filter((row) => row.codes.includes(code)).map((row) => row.scope);
    expect(scopes(CODES.tooManyConnectionsFromIp)).toEqual(['per client IP']);
    expect(scopes(CODES.subscriptionCapReached)).toEqual(['server-wide']);
    expect(scopes(CODES.overCapacity)).toEqual(['server-wide']);
    expect(scopes(CODES.authTooManyPending)).toEqual(['per client IP', 'per connection', 'server-wide']);
    expect(renderLimitsTable()).toContain('`--max-connections-per-ip` 1,000');
    expect(renderLimitsTable()).toContain('`--max-subscriptions` 1,000,000');
  });
});
