import { describe, expect, it } from 'vitest';
import { failedRunReport } from '../services/failed-run-report.js';
import { InMemoryReportStore } from './report-store.js';

const report = (runId: string) =>
  failedRunReport(
    {
      run_id: runId,
      problem: 'p',
      workspace: '/work',
      plan: null,
      limits: null,
      run_checks: [],
      submitted_at: 1,
    },
    new Error('no graph'),
  );

describe('InMemoryReportStore', () => {
  it('keeps only the last keepReports reports saved', async () => {
    const store = new InMemoryReportStore({ keepReports: 2 });
    for (const runId of ['run-1', 'run-2', 'run-3']) await store.save(report(runId));
    await store.save(report('run-2')); // saved again: now the newest
    await store.save(report('run-4'));
    expect(await store.load('run-1')).toBeUndefined();
    expect(await store.load('run-3')).toBeUndefined();
    expect((await store.load('run-2'))?.run_id).toBe('run-2');
    expect((await store.load('run-4'))?.run_id).toBe('run-4');
  });

  it('reads its bound from CODEGOD_KEEP_REPORTS, 32 by default', async () => {
    const fromEnv = new InMemoryReportStore({ env: { CODEGOD_KEEP_REPORTS: '1' } });
    const byDefault = new InMemoryReportStore({ env: {} });
    for (let i = 0; i < 40; i++) {
      await fromEnv.save(report(`run-${i}`));
      await byDefault.save(report(`run-${i}`));
    }
    expect(await fromEnv.load('run-38')).toBeUndefined();
    expect(await fromEnv.load('run-39')).toBeDefined();
    expect(await byDefault.load('run-7')).toBeUndefined();
    expect(await byDefault.load('run-8')).toBeDefined();
    expect(() => new InMemoryReportStore({ env: { CODEGOD_KEEP_REPORTS: '0' } })).toThrow();
  });
});
