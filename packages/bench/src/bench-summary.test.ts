import { describe, expect, it } from 'vitest';
import { formatSummary, summarize } from './bench-summary.js';
import { sampleResult } from './sample-result.js';

describe('summarize', () => {
  const results = [
    sampleResult({ instance_id: 'a', category: 'backend' }),
    // codegod said succeeded, the independent check failed: a false success.
    sampleResult({
      instance_id: 'b',
      category: 'backend',
      solved: false,
      false_success: true,
      llm_calls: null,
    }),
    sampleResult({
      instance_id: 'c',
      category: 'frontend',
      solved: false,
      codegod_verdict: 'failed',
    }),
    // Solved although codegod said failed: not a false success.
    sampleResult({ instance_id: 'd', category: null, codegod_verdict: 'failed', wall_ms: 3000 }),
  ];

  it('counts solved, codegod successes and false successes overall and by category', () => {
    const [all, backend, frontend, none] = summarize(results);
    expect(all).toMatchObject({
      group: 'all',
      instances: 4,
      solved: 2,
      solve_rate: 0.5,
      codegod_succeeded: 2,
      false_successes: 1,
      mean_wall_ms: 1500,
      tokens: 400,
      llm_calls: 9,
    });
    expect(backend).toMatchObject({
      group: 'backend',
      instances: 2,
      solved: 1,
      false_successes: 1,
    });
    expect(frontend).toMatchObject({ group: 'frontend', solved: 0, false_successes: 0 });
    expect(none).toMatchObject({ group: 'none', solved: 1, codegod_succeeded: 0 });
  });

  it('prints one aligned row per group under the title', () => {
    const text = formatSummary('title', summarize(results));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('title');
    expect(lines[1]).toMatch(/^group\s+n\s+solved\s+rate\s+codegod ok\s+false success/);
    expect(lines[3]).toMatch(/^all\s+4\s+2\s+50%\s+2\s+1\s/);
    expect(new Set(lines.slice(1).map((line) => line.length)).size).toBe(1);
  });
});
