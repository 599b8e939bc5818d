import { describe, expect, it } from 'vitest';
import { InMemoryTokenMeter } from './in-memory-token-meter.js';

describe('InMemoryTokenMeter', () => {
  it('totals by run and by role', async () => {
    const meter = new InMemoryTokenMeter();
    await meter.record(
      { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
      { runId: 'r1', role: 'backend' },
    );
    await meter.record(
      { promptTokens: 5, completionTokens: 1, totalTokens: 6 },
      { runId: 'r1', role: 'master' },
    );
    await meter.record({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, {});
    const totals = meter.totals();
    expect(totals.total).toEqual({ promptTokens: 16, completionTokens: 4, totalTokens: 20 });
    expect(totals.byRun.r1?.totalTokens).toBe(18);
    expect(totals.byRole).toEqual({
      backend: { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
      master: { promptTokens: 5, completionTokens: 1, totalTokens: 6 },
    });
  });
});
