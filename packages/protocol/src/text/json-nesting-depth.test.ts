import { describe, expect, it } from 'vitest';
import { jsonNestingDepth } from './json-nesting-depth.js';

describe('jsonNestingDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestingDepth('42')).toBe(0);
    expect(jsonNestingDepth('{"a": [1, {"b": []}]}')).toBe(4);
    expect(jsonNestingDepth('{"a": "[[[[{{{{"}')).toBe(1);
    expect(jsonNestingDepth('["\\"[[[", [2]]')).toBe(2);
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
