import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCodesTable, renderOptionsTable } from '../../src/docs/readme-tables.js';
import { ALL_CODES } from '../../src/protocol/codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function section(name: string): string {
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  expect(start, `README lacks the ${name} markers`).toBeGreaterThan(-1);
  return readme.slice(start + `<!-- ${name}:start -->`.length, end).trim();
}

describe('README', () => {
  it('starts with the two quick-start commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });

  it('has the troubleshooting table generated from the code catalogue (npm run docs)', () => {
    expect(section('codes')).toBe(renderCodesTable());
  });

  it('has the options table generated from the config schema (npm run docs)', () => {
    expect(section('options')).toBe(renderOptionsTable());
  });
});

describe('code catalogue', () => {
  it('has unique reason ids, and one meaning per code within a kind except shared HTTP/subscription statuses', () => {
    const ids = ALL_CODES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const closeAndError = ALL_CODES.filter((e) => e.kind === 'close' || e.kind === 'error').map((e) => e.code);
    expect(new Set(closeAndError).size).toBe(closeAndError.length);
    for (const entry of ALL_CODES) {
      if (entry.kind === 'close') expect(entry.code === 1009 || (entry.code >= 4000 && entry.code < 4300), entry.id).toBe(true);
      if (entry.kind === 'error') expect(entry.code >= 4300 && entry.code < 4400, entry.id).toBe(true);
      expect(entry.fix.length).toBeGreaterThan(20);
    }
  });
});
