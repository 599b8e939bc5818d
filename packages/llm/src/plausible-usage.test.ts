import { describe, expect, it } from 'vitest';
import { MAX_PLAUSIBLE_TOKENS, plausibleUsage } from './plausible-usage.js';

describe('plausibleUsage', () => {
  it('keeps real figures', () => {
    expect(plausibleUsage({ promptTokens: 10, completionTokens: 5, totalTokens: 15 })).toEqual({
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
    });
  });

  it.each([
    [-1000, 0],
    [1.5, 0],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 0],
    [MAX_PLAUSIBLE_TOKENS + 1, 0],
    [1e300, 0],
    ['12', 0],
    [null, 0],
  ])('ignores %s', (impossible, kept) => {
    expect(
      plausibleUsage({ promptTokens: impossible, completionTokens: 7, totalTokens: impossible }),
    ).toEqual({ promptTokens: kept, completionTokens: 7, totalTokens: 7 });
  });

  it('never reports a total below its plausible parts', () => {
    expect(plausibleUsage({ promptTokens: 10, completionTokens: 5, totalTokens: 3 })).toEqual({
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
    });
    expect(plausibleUsage({})).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  });
});
