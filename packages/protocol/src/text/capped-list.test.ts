import { describe, expect, it } from 'vitest';
import { cappedList, cappedText } from './capped-list.js';
import { oneLine } from './one-line.js';

describe('cappedList and cappedText', () => {
  it('keeps short inputs whole and says how much a long one lost', () => {
    expect(cappedList(['a', 'b'], 3)).toEqual(['a', 'b']);
    expect(cappedList(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['a', 'b', 'and 3 more']);
    expect(cappedList(['a', 'b', 'c'], 1, (n) => `${n} others`)).toEqual(['a', '2 others']);
    expect(cappedText('short', 10)).toBe('short');
    expect(cappedText('x'.repeat(25), 10)).toBe(`${'x'.repeat(10)}… (15 more characters cut)`);
  });
});

describe('oneLine', () => {
  it('makes a printable single line of at most maxChars', () => {
    expect(oneLine('<html>\n  <body>\x1b[2J\rhi</body>\n</html>')).toBe(
      '<html> <body>hi</body> </html>',
    );
    expect(oneLine('x'.repeat(1000), 10)).toBe(`${'x'.repeat(10)}… (1000 characters in all)`);
    expect(oneLine('\n\n   ab  \t', 10)).toBe('ab');
  });
});
