import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCheckRunner } from '@codegod/actions';
import {
  createFileToolkit,
  decompositionReply,
  replanReply,
  type ScriptedTask,
  taskRules,
} from '@codegod/agents/testing';
import { ScriptedLlmClient } from '@codegod/llm/testing';
import type { RunCheckRunner } from '@codegod/orchestrator';
import { type AcceptanceCheck, shellCommandCheck, WORKER_ROLES } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedFleet } from '../services/embedded-fleet.js';

// The run's own checks, on the embedded fleet: once every task has succeeded they run through
// the check runner port; a failing one makes the master replan with its output, within the
// replan bound, and the run succeeds only when they pass.

const write = (path: string, content: string) => ({
  action: 'write_file',
  args: { path, content },
});
const task = (
  id: string,
  acceptance: AcceptanceCheck[],
  dependsOn: string[] = [],
): ScriptedTask => ({
  id,
  description: id,
  role: 'backend',
  depends_on: dependsOn,
  acceptance,
});
const apiCheck: AcceptanceCheck = { type: 'file', path: 'api.txt', content_regex: '^GET /health$' };
/** The user's check: a shell line, as `codegod build --check` passes it. */
const userCheck = shellCommandCheck('test -f app.txt && grep -qx "GET /health" api.txt');

describe('run acceptance checks', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function fleet(options: { replans: number; replan?: boolean }) {
    const dir = await tempDir('codegod-run-checks-');
    const llm = new ScriptedLlmClient({
      rules: [
        // The master's decomposition forgets the API: its one task only writes app.txt.
        {
          match: { phase: 'decompose' },
          reply: decompositionReply([task('app', [{ type: 'file', path: 'app.txt' }])], [apiCheck]),
        },
        ...taskRules('backend', 'app', [write('app.txt', 'app')]),
        ...(options.replan === false
          ? []
          : [
              {
                match: { phase: 'replan', contains: 'api.txt does not exist' },
                reply: replanReply('the API is missing', [task('api', [apiCheck], ['app'])]),
              },
            ]),
        ...taskRules('backend', 'api', [write('api.txt', 'GET /health')]),
      ],
    });
    const toolkit = createFileToolkit({ path: 'app.txt', content: 'app' });
    const ran: AcceptanceCheck[][] = [];
    const real = createCheckRunner();
    // The real check runner, watched: the master must go through this port.
    const checks: RunCheckRunner = {
      async runChecks(list, context) {
        ran.push([...list]);
        return real.runChecks(list, context);
      },
    };
    const started = await startEmbeddedFleet({
      llm,
      toolkits: Object.fromEntries(
        WORKER_ROLES.map((role) => [role, { ...toolkit, role }]),
      ) as never,
      checks,
      agentLimits: { maxIterations: 1, maxWipes: 0 },
      bus: { attempts: 1, backoffMs: 0 },
      limits: { maxReplanRounds: options.replans },
    });
    cleanups.push(
      () => started.close(),
      () => dir.remove(),
    );
    return { fleet: started, llm, workspace: dir.path, ran };
  }

  it('replans with a failing run check, then succeeds once the added work makes it pass', async () => {
    const { fleet: f, llm, workspace, ran } = await fleet({ replans: 1 });
    const report = await f.orchestrator.run({
      problem: 'add the API',
      workspace,
      checks: [userCheck],
    });
    expect(report.state).toBe('succeeded');
    expect(report.reason).toBe('all tasks succeeded; 2 run checks passed');
    expect(report.replan_rounds).toBe(1);
    expect(report.tasks.map((t) => [t.id, t.state, t.proof])).toEqual([
      ['app', 'succeeded', 'verified'],
      ['api', 'succeeded', 'verified'],
    ]);
    // The user's check first, then the master's; run twice: failing, then passing.
    expect(ran).toEqual([
      [userCheck, apiCheck],
      [userCheck, apiCheck],
    ]);
    expect(report.proof.run_checks.map((c) => [c.ran, c.passed])).toEqual([
      [`sh -c 'test -f app.txt && grep -qx "GET /health" api.txt'`, true],
      ['file api.txt matches /^GET /health$/', true],
    ]);
    expect(report.proof.summary).toBe('verified by 4 checks');
    // The replan was shown the failing run checks, output and all.
    const replan = llm.requests.find((r) => r.phase === 'replan');
    const prompt = replan?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('Every task succeeded, but these checks of the whole problem failed');
    expect(prompt).toContain(
      `sh -c 'test -f app.txt && grep -qx "GET /health" api.txt': exited 2, expected 0\n  output:\n    grep: api.txt: No such file or directory`,
    );
    const events = await f.bus.readEvents(report.run_id);
    expect(events.filter((e) => e.type === 'run-check').map((e) => e.passed)).toEqual([
      false,
      true,
    ]);
  });

  it('fails the run with the failing check as the reason when no replan is left', async () => {
    const { fleet: f, workspace, ran } = await fleet({ replans: 0 });
    await writeFile(join(workspace, 'api.txt'), 'POST /nope\n');
    const report = await f.orchestrator.run({ problem: 'add the API', workspace });
    expect(report.state).toBe('failed');
    expect(report.reason).toBe(
      'run check failed: file api.txt matches /^GET /health$/: api.txt does not match /^GET /health$/: POST /nope (no replan rounds left: 0 used)',
    );
    expect(ran).toHaveLength(1);
    expect(report.tasks.map((t) => t.state)).toEqual(['succeeded']);
    expect(report.proof.summary).toBe('not proven: the run failed');
  });

  it('fails when the master gives up on a failing run check', async () => {
    const { fleet: f, workspace } = await fleet({ replans: 2, replan: false });
    const report = await f.orchestrator.run({ problem: 'add the API', workspace });
    expect(report.state).toBe('failed');
    expect(report.reason).toMatch(/^run check failed: file api.txt .*; the master gave up/);
  });

  it('runs a plan file without checks to success, reported unverified', async () => {
    const { fleet: f, workspace, ran } = await fleet({ replans: 0 });
    const plan = {
      tasks: [{ id: 'app', description: 'app', role: 'backend' as const, depends_on: [] }],
    };
    const report = await f.orchestrator.run({ problem: 'app', workspace, plan });
    expect(report.state).toBe('succeeded');
    expect(report.reason).toBe('all tasks succeeded');
    expect(report.tasks[0]).toMatchObject({ proof: 'unverified', acceptance: [] });
    expect(report.proof).toMatchObject({
      summary: '1 task unverified (no acceptance checks)',
      unverified_tasks: ['app'],
      checks_passed: 0,
    });
    expect(ran).toEqual([]);
  });
});
