import { describe, expect, it } from 'vitest';
import { InMemoryTokenMeter } from './in-memory-token-meter.js';

describe('InMemoryTokenMeter', () => {
  it("totals each run by role; a call without a role counts as unknown, one outside a run isn't kept", async () => {
    const meter = new InMemoryTokenMeter();
    await meter.record(
      { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
      { runId: 'r1', role: 'backend' },
    );
    await meter.record(
      { promptTokens: 5, completionTokens: 1, totalTokens: 6 },
      { runId: 'r1', role: 'master' },
    );
    await meter.record({ promptTokens: 3, completionTokens: 1, totalTokens: 4 }, { runId: 'r1' });
    await meter.record({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, {});
    await meter.record({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, { runId: 'r2' });
    expect(await meter.usage('r1')).toEqual({
      total: 22,
      by_role: { backend: 12, master: 6, unknown: 4 },
    });
    expect(await meter.usage('r2')).toEqual({ total: 2, by_role: { unknown: 2 } });
    expect(await meter.usage('r3')).toEqual({ total: 0, by_role: {} });
  });

  it('hands out copies: a caller cannot change the totals', async () => {
    const meter = new InMemoryTokenMeter();
    await meter.record({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, { runId: 'r1' });
    const first = await meter.usage('r1');
    first.by_role.unknown = 99;
    expect(await meter.usage('r1')).toEqual({ total: 2, by_role: { unknown: 2 } });
  });
});
