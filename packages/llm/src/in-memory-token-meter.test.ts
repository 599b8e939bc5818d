import { describe, expect, it } from 'vitest';
import { InMemoryTokenMeter } from './in-memory-token-meter.js';
import { tokenMeterConformance } from './testing/index.js';

tokenMeterConformance('InMemoryTokenMeter', async () => ({
  meter: new InMemoryTokenMeter(),
  close: async () => {},
}));

describe('InMemoryTokenMeter bound', () => {
  it('keeps only the keepRuns runs recorded most recently', async () => {
    const meter = new InMemoryTokenMeter({ keepRuns: 2 });
    const call = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
    await meter.record(call, { runId: 'run-1', role: 'backend' });
    await meter.record(call, { runId: 'run-2', role: 'backend' });
    await meter.record(call, { runId: 'run-1', role: 'backend' }); // run-1 is now the most recent
    await meter.record(call, { runId: 'run-3', role: 'backend' });
    expect(await meter.usage('run-1')).toEqual({ total: 4, by_role: { backend: 4 } });
    expect(await meter.usage('run-2')).toEqual({ total: 0, by_role: {} });
    expect(await meter.usage('run-3')).toEqual({ total: 2, by_role: { backend: 2 } });
  });
});
