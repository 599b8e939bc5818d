import { randomUUID } from 'node:crypto';
import type { TokenMeter, TokenUsage } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';

const usage = (totalTokens: number): TokenUsage => ({
  promptTokens: totalTokens - 1,
  completionTokens: 1,
  totalTokens,
});

/** The behaviour every TokenMeter adapter must have. */
export function tokenMeterConformance(
  name: string,
  create: () => Promise<{ meter: TokenMeter; close: () => Promise<void> }>,
): void {
  describe(`${name} (TokenMeter conformance)`, () => {
    it('totals each run by role; a call without a role counts as unknown', async () => {
      const { meter, close } = await create();
      const run = `run-${randomUUID()}`;
      await meter.record(usage(12), { runId: run, role: 'backend', phase: 'plan' });
      await meter.record(usage(6), { runId: run, role: 'master', phase: 'decompose' });
      await meter.record(usage(4), { runId: run });
      expect(await meter.usage(run)).toEqual({
        total: 22,
        by_role: { backend: 12, master: 6, unknown: 4 },
      });
      await close();
    });

    it('keeps runs apart; an unknown run and a call outside any run count toward none', async () => {
      const { meter, close } = await create();
      const [first, second] = [`run-${randomUUID()}`, `run-${randomUUID()}`];
      await meter.record(usage(5), { runId: first, role: 'testing' });
      await meter.record(usage(7), { runId: second, role: 'testing' });
      await meter.record(usage(9), { role: 'testing' });
      expect(await meter.usage(first)).toEqual({ total: 5, by_role: { testing: 5 } });
      expect(await meter.usage(second)).toEqual({ total: 7, by_role: { testing: 7 } });
      expect(await meter.usage(`run-${randomUUID()}`)).toEqual({ total: 0, by_role: {} });
      await close();
    });

    it('adds concurrent records without losing one', async () => {
      const { meter, close } = await create();
      const run = `run-${randomUUID()}`;
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          meter.record(usage(3), { runId: run, role: index % 2 ? 'backend' : 'frontend' }),
        ),
      );
      expect(await meter.usage(run)).toEqual({ total: 60, by_role: { backend: 30, frontend: 30 } });
      await close();
    });

    it('hands out copies: changing what usage returned changes no total', async () => {
      const { meter, close } = await create();
      const run = `run-${randomUUID()}`;
      await meter.record(usage(2), { runId: run, role: 'devops' });
      const seen = await meter.usage(run);
      seen.total = 99;
      seen.by_role.devops = 99;
      expect(await meter.usage(run)).toEqual({ total: 2, by_role: { devops: 2 } });
      await close();
    });
  });
}
