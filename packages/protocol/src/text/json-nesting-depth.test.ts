import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNestingDepth } from './json-nesting-depth.js';

/** The depth of a parsed value, the slow and obvious way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonNestingDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestingDepth('42')).toBe(0);
    expect(jsonNestingDepth('{"a": [1, {"b": []}]}')).toBe(4);
    expect(jsonNestingDepth('{"a": "[[[[{{{{"}')).toBe(1);
    expect(jsonNestingDepth('["\\"[[[", [2]]')).toBe(2);
  });

  it('agrees with the depth of the parsed value for any JSON, whatever its strings hold', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        expect(jsonNestingDepth(text)).toBe(depthOf(JSON.parse(text)));
        expect(jsonNestingDepth(JSON.stringify(value, null, 2))).toBe(depthOf(value));
      }),
    );
  });

  it('scans 100,000 levels without recursion and stops early past the bound', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonNestingDepth(deep)).toBe(100_000);
    expect(jsonNestingDepth(deep, 64)).toBe(65);
  });

  it('still answers for malformed text', () => {
    expect(jsonNestingDepth('[[[{')).toBe(4);
    expect(jsonNestingDepth(']]]][')).toBe(1);
  });
});
