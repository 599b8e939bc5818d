import { describe, expect, it } from 'vitest';
import { oneLine } from './one-line.js';

describe('oneLine', () => {
  it('makes a printable single line of at most maxChars', () => {
    expect(oneLine('<html>\n  <body>\x1b[2J\rhi</body>\n</html>')).toBe(
      '<html> <body>hi</body> </html>',
    );
    expect(oneLine('x'.repeat(1000), 10)).toBe(`${'x'.repeat(10)}… (1000 characters in all)`);
    expect(oneLine('\n\n   ab  \t', 10)).toBe('ab');
  });
});
