import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runReportSchema } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byId, readResults, runBenchCli, SUITE } from './bench-cli.js';

// The shipped suite under both scripted policies, on a subset that covers the four roles, a
// task needing two roles in order, and the instance whose role health check passes before any
// work (py-health-passes-goal-unmet). Every run is the real CLI: codegod bench spawning
// codegod build per instance, pip/npm/python for real, commands in the sandbox.

const SUBSET = [
  'py-health-passes-goal-unmet',
  'node-wrong-main',
  'py-off-by-one',
  'env-missing-keys',
  'npm-then-dockerfile',
];
const TRAP = 'py-health-passes-goal-unmet';

describe('bench: the shipped suite under the oracle and lazy policies', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('codegod-bench-suite-');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('oracle: solves every instance, codegod agrees, no false success', {
    timeout: 240_000,
  }, async () => {
    const out = join(dir.path, 'oracle');
    const run = await runBenchCli([
      SUITE,
      '--policy',
      'oracle',
      '--only',
      SUBSET.join(','),
      '--parallel',
      '2',
      '--out',
      out,
    ]);
    expect(run.code, run.output).toBe(0);
    const results = await readResults(out);
    expect(results.map((r) => r.instance_id).sort()).toEqual([...SUBSET].sort());
    for (const result of results) {
      expect(result.solved, `${result.instance_id}: ${result.failure_reason}`).toBe(true);
      expect(result.codegod_verdict, result.instance_id).toBe('succeeded');
      expect(result.false_success).toBe(false);
      // A decomposition, then one call per agent iteration (Reasoning and Plan in one reply).
      expect(result.llm_calls, result.instance_id).toBeGreaterThanOrEqual(2);
      expect(result.tokens).toBeGreaterThan(0);
    }
    // Two roles in order: the policy answered both agents of the run (decomposition + 2 iterations).
    expect(byId(results).get('npm-then-dockerfile')!.llm_calls).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toMatch(/^all\s+5\s+5\s+100%\s+5\s+0\s/m);
  });

  it('lazy: solves nothing and codegod never claims success', { timeout: 240_000 }, async () => {
    const out = join(dir.path, 'lazy');
    const run = await runBenchCli([
      SUITE,
      '--policy',
      'lazy',
      '--only',
      SUBSET.join(','),
      '--parallel',
      '2',
      '--out',
      out,
    ]);
    expect(run.code, run.output).toBe(0);
    const results = await readResults(out);
    expect(results).toHaveLength(SUBSET.length);
    for (const result of results) {
      expect(result.solved, result.instance_id).toBe(false);
      expect(result.codegod_verdict, result.instance_id).toBe('failed');
      expect(result.false_success).toBe(false);
      expect(result.failure_reason).toMatch(/success_command exited [1-9]/);
    }
    expect(run.stdout).toMatch(/^all\s+5\s+0\s+0%\s+0\s+0\s/m);

    // The trap: the lazy task passed its role's health check and its own check, so the task
    // succeeded; only the run's --check (the success_command) kept the run from succeeding.
    const trap = byId(results).get(TRAP)!;
    const reportDir = join(out, 'work', TRAP, 'workspace', '.codegod');
    const [name] = (await readdir(reportDir)).filter((file) => file.endsWith('.json'));
    const report = runReportSchema.parse(
      JSON.parse(await readFile(join(reportDir, name!), 'utf8')),
    );
    expect(report.run_id).toBe(trap.run_id);
    expect(report.tasks.some((task) => task.state === 'succeeded' && task.role === 'backend')).toBe(
      true,
    );
    expect(report.state).toBe('failed');
    expect(report.proof.run_checks.some((check) => !check.passed)).toBe(true);
  });
});
