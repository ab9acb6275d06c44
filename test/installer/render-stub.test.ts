import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/installer/render-stub.js';

describe('renderTemplate', () => {
  it('fills values and drops standalone section lines without leaving blank lines', () => {
    const template = 'a: {{a}}\n{{#on}}\n  kept\n{{/on}}\n{{^on}}\n  dropped\n{{/on}}\nend\n';
    expect(renderTemplate(template, { a: 1, on: true })).toBe('a: 1\n  kept\nend\n');
    expect(renderTemplate(template, { a: 'x', on: false })).toBe('a: x\n  dropped\nend\n');
  });

  it('handles inline and nested sections', () => {
    expect(renderTemplate('f(x{{#ts}}: number{{/ts}})', { ts: true })).toBe('f(x: number)');
    expect(renderTemplate('f(x{{#ts}}: number{{/ts}})', { ts: false })).toBe('f(x)');
    expect(renderTemplate('{{#a}}A{{#b}}B{{/b}}{{/a}}', { a: true, b: false })).toBe('A');
  });

  it('refuses a missing value instead of writing {{name}} into a project', () => {
    expect(() => renderTemplate('{{nope}}', {})).toThrow(/nope/);
  });
});
