import type { TokenUsage } from '@codegod/protocol';
import { z } from 'zod';

/**
 * The most tokens one request can plausibly report, prompt and completion together. The largest
 * context windows served today hold a few million tokens; anything above is a broken or hostile
 * server, and summing it would wreck the run's token budget and report.
 */
export const MAX_PLAUSIBLE_TOKENS = 10_000_000;

const figure = z.number().int().min(0).max(MAX_PLAUSIBLE_TOKENS);

/** The figure when it is a whole number of tokens a request can really use, else undefined. */
function plausible(value: unknown): number | undefined {
  const parsed = figure.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The usage a server reported, with every impossible figure (negative, fractional, NaN, not a
 * number, above MAX_PLAUSIBLE_TOKENS) ignored as 0. A missing or impossible total is the sum of
 * the parts that are plausible.
 */
export function plausibleUsage(reported: {
  promptTokens?: unknown;
  completionTokens?: unknown;
  totalTokens?: unknown;
}): TokenUsage {
  const promptTokens = plausible(reported.promptTokens) ?? 0;
  const completionTokens = plausible(reported.completionTokens) ?? 0;
  const total = plausible(reported.totalTokens);
  return {
    promptTokens,
    completionTokens,
    totalTokens:
      total !== undefined && total >= promptTokens + completionTokens
        ? total
        : promptTokens + completionTokens,
  };
}
