import { describe, expect, it } from 'vitest';
import { jsonNestingDepth, stringifyOrUndefined } from '../../src/protocol/safe-json.js';

describe('safe JSON helpers', () => {
  it('measures nesting, ignoring brackets inside strings and escaped quotes', () => {
    expect(jsonNestingDepth('"x"')).toBe(0);
    expect(jsonNestingDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonNestingDepth('{"a":"[[[[\\"[["}')).toBe(1);
    expect(jsonNestingDepth('['.repeat(50) + ']'.repeat(50))).toBe(50);
  });

  it('answers undefined instead of throwing on values too deep to serialize', () => {
    expect(stringifyOrUndefined({ a: 1 })).toBe('{"a":1}');
    expect(stringifyOrUndefined(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)))).toBeUndefined();
  });
});
