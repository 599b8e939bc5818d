import type { BenchResult } from './bench-result.js';

// Test data only: the package index does not export it.

/** A result with every field set; `over` changes some. */
export function sampleResult(over: Partial<BenchResult> = {}): BenchResult {
  return {
    instance_id: 'a',
    category: 'backend',
    solved: true,
    codegod_verdict: 'succeeded',
    false_success: false,
    codegod_exit_code: 0,
    run_id: 'run-1',
    wall_ms: 1000,
    llm_calls: 3,
    tokens: 100,
    replans: 0,
    wipes: 0,
    stuck_stops: 0,
    failure_reason: null,
    check_exit_code: 0,
    check_output: '',
    finished_at: 1,
    extra: {},
    ...over,
  };
}
