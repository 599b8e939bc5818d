import { describe, expect, it } from 'vitest';
import { cappedList, cappedText } from './capped-list.js';

describe('cappedList and cappedText', () => {
  it('keeps short inputs whole and says how much a long one lost', () => {
    expect(cappedList(['a', 'b'], 3)).toEqual(['a', 'b']);
    expect(cappedList(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['a', 'b', 'and 3 more']);
    expect(cappedList(['a', 'b', 'c'], 1, (n) => `${n} others`)).toEqual(['a', '2 others']);
    expect(cappedText('short', 10)).toBe('short');
    expect(cappedText('x'.repeat(25), 10)).toBe(`${'x'.repeat(10)}… (15 more characters cut)`);
  });
});
