import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type FlaskAppFixture,
  makeFlaskAppFixture,
  makeNodeMainFixture,
} from '@codegod/actions/fixtures';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { type RunReport, runReportSchema, type TaskReport } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses, childEnvironment, runCodegod } from './support/child-processes.js';
import { flaskReactRules, strictWavePlan, WAVES } from './support/flask-react-plan.js';

const run = promisify(execFile);
// Each plan reply takes this long, so the two tasks of a wave are visibly in flight together.
const PLAN_LATENCY_MS = 1500;

// The seed's six-task Flask + React plan (from examples/flask-react.plan.json, via --plan) on a
// workspace holding the Python fixture and the Node fixture; every role's real validator must
// pass, and the three waves must run in order with the two tasks of each wave overlapping.
describe('e2e: the six-task Flask + React plan, embedded CLI', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: FlaskAppFixture;
  let llm: ScriptedLlmServer;
  let plan: string;

  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-flask-react-');
    plan = join(dir.path, 'strict-waves.plan.json');
    await strictWavePlan(plan);
    // Both fixtures write into dir/workspace: one project with a venv and a package.json.
    fixture = await makeFlaskAppFixture(dir.path);
    await makeNodeMainFixture(dir.path);
    llm = await startScriptedLlmServer({ rules: flaskReactRules(PLAN_LATENCY_MS) });
  }, 60_000);

  afterAll(async () => {
    await children.stopAll();
    await llm?.close();
    await dir?.remove();
  });

  it('runs the three waves in order, two tasks at a time, all validated', {
    timeout: 240_000,
  }, async () => {
    const result = await runCodegod(
      children,
      ['build', 'Build a Flask + React app', '-w', fixture.workspace, '--plan', plan, '--json'],
      childEnvironment({ ...fixture.pipEnv, VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' }),
    );
    expect(result.code, result.stderr).toBe(0);
    const report: RunReport = runReportSchema.parse(JSON.parse(result.stdout));
    expect(report.state).toBe('succeeded');
    expect(report.replan_rounds).toBe(0);
    const byId = new Map(report.tasks.map((t) => [t.id, t]));
    expect([...byId.keys()].sort()).toEqual(WAVES.flat().slice().sort());
    for (const task of report.tasks) {
      expect(task.state, `${task.id}: ${task.reason ?? task.output}`).toBe('succeeded');
      expect(task.validation?.valid, task.id).toBe(true);
      // Each task proved its goal with the example's own acceptance checks.
      expect(task.proof, task.id).toBe('verified');
      expect(task.validation?.checks.length, task.id).toBe(task.acceptance.length);
      expect(task.acceptance.length, task.id).toBeGreaterThan(0);
      expect(
        task.actions_taken.every((a) => a.success),
        task.id,
      ).toBe(true);
    }
    // Each role's own validator did the checking.
    expect(byId.get('backend-api')?.validation?.output).toContain('import flask\n-> exit 0');
    expect(byId.get('frontend-ui')?.validation?.output).toContain('src/index.js\n-> exit 0');
    expect(byId.get('containerize')?.validation?.output).toContain('starts with FROM');
    expect(byId.get('integration-tests')?.validation?.output).toMatch(/1 passed, 0 failed/);
    expect(report.proof.summary).toBe('verified by 10 checks');

    // Timing from the bus's records: waves in order, the tasks of a wave overlapping.
    const times = (id: string) => {
      const task = byId.get(id) as TaskReport;
      expect(task.started_at, id).not.toBeNull();
      expect(task.ended_at, id).not.toBeNull();
      return { start: task.started_at as number, end: task.ended_at as number };
    };
    for (const [k, wave] of WAVES.entries()) {
      const [a, b] = wave.map(times) as [
        { start: number; end: number },
        { start: number; end: number },
      ];
      expect(Math.max(a.start, b.start), `wave ${k + 1} overlaps`).toBeLessThan(
        Math.min(a.end, b.end),
      );
      const next = WAVES[k + 1];
      if (next) {
        const lastEnd = Math.max(a.end, b.end);
        for (const id of next)
          expect(times(id).start, `${id} after wave ${k + 1}`).toBeGreaterThanOrEqual(lastEnd);
      }
    }

    // Independently of codegod: the project works.
    const venvPython = join(fixture.workspace, 'venv', 'bin', 'python');
    await expect(run(venvPython, ['-c', 'import flask'])).resolves.toBeDefined();
    const loaded = await run(
      process.execPath,
      ['-e', "console.log(require('./').dependency('x'), require('./src/ui.js')())"],
      { cwd: fixture.workspace },
    );
    expect(loaded.stdout.trim()).toBe('hello x <h1>hello world</h1>');
  });
});
