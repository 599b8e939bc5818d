import type { TaskGraph } from '@codegod/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalFleet, startLocalFleet } from './local-fleet.js';
import { agentRules, planOf } from './scripted-replies.js';

// What an operator reads: the services' info-level logs tell a run's story, and agree with
// the report and `codegod status`.

const ONE_TASK: TaskGraph = {
  tasks: [{ id: 'x', description: 'do one thing', role: 'backend', depends_on: [] }],
};

/** The JSON log lines a service printed (pino), with the raw text kept for key checks. */
function logLines(output: string): { raw: string; line: Record<string, unknown> }[] {
  return output
    .split('\n')
    .filter((raw) => raw.startsWith('{'))
    .map((raw) => ({ raw, line: JSON.parse(raw) as Record<string, unknown> }));
}

describe('fleet logs at info level (real master and worker processes)', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startLocalFleet({ env: { CODEGOD_TASK_ATTEMPTS: '1' } });
    const master = await fleet.startMaster();
    await Promise.all([master.ready, fleet.startWorker('backend', 'backend-agent-1').ready]);
  }, 120_000);
  afterAll(() => fleet?.stop());

  it('agents log task start and end with the outcome; the master logs the replan and the run end as the report says', async () => {
    // An empty plan: the task fails; the master's one replan round gives up.
    fleet.llm.setRules(agentRules('backend', planOf()));
    const result = await fleet.build('a failing task', await fleet.workspace(), ONE_TASK, 110_000);
    const report = result.report!;
    expect(report, result.stderr).toBeDefined();
    expect(report.state).toBe('failed');
    const [master, worker] = fleet.processes;
    const agentLines = logLines(worker!.output());
    const masterLines = logLines(master!.output());

    for (const { raw } of [...agentLines, ...masterLines]) {
      expect(raw.match(/"role":/g)?.length ?? 0, raw).toBeLessThanOrEqual(1);
    }
    const mine = agentLines.map((l) => l.line).filter((l) => l.runId === report.run_id);
    expect(mine.find((l) => l.msg === 'task x started (attempt 1)')).toMatchObject({
      level: 30,
      taskId: 'x',
      agentId: 'backend-agent-1',
      role: 'backend',
    });
    const end = mine.find((l) => String(l.msg).startsWith('task x failed in '));
    expect(end).toMatchObject({ level: 30, outcome: 'failed', attempt: 1 });
    expect(end!.durationMs).toEqual(expect.any(Number));
    expect(String(end!.reason).length).toBeGreaterThan(0);
    // The empty plans get the agent stuck: each wipe of its memory is a line of its own.
    const wipes = mine.filter((l) => String(l.msg).startsWith('memory wiped during task x: stuck'));
    expect(wipes.length).toBeGreaterThan(0);
    expect(report.tasks[0]?.reason ?? '').toContain(`memory wiped ${wipes.length} time(s)`);

    const ours = masterLines.map((l) => l.line).filter((l) => l.runId === report.run_id);
    const announced = ours.filter((l) => /^replanning \(round \d+\)/.test(String(l.msg)));
    expect(announced).toHaveLength(report.replan_rounds);
    expect(report.replan_rounds).toBe(1);
    expect(ours.some((l) => String(l.msg).startsWith('replan round 1: the master gave up'))).toBe(
      true,
    );
    expect(ours.find((l) => l.msg === 'run finished: failed')).toMatchObject({
      state: 'failed',
      replanRounds: 1,
      reason: expect.stringContaining('the master gave up'),
    });
    expect(await fleet.client.hkeys('codegod:agents:status')).toContain('master-orchestrator-1');
  }, 120_000);
});
