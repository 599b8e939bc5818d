import { createFileToolkit, planReply, replanReply } from '@codegod/agents/testing';
import { ScriptedLlmClient } from '@codegod/llm/testing';
import { WORKER_ROLES } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbeddedFleetOptions, startEmbeddedFleet } from '../services/embedded-fleet.js';

// The master's replan bounds, per orchestrator and per run, on the embedded fleet.
const plan = {
  tasks: [
    { id: 'write-it', description: 'write the file', role: 'backend' as const, depends_on: [] },
  ],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An embedded fleet in a fresh workspace whose agents can write files; tasks are not retried. */
async function fileFleet(
  llm: ScriptedLlmClient,
  options: Pick<EmbeddedFleetOptions, 'agentLimits' | 'limits' | 'onNotice'>,
) {
  const dir = await tempDir('codegod-orchestrator-');
  const toolkit = createFileToolkit({ path: 'out.txt', content: 'right' });
  const fleet = await startEmbeddedFleet({
    llm,
    toolkits: Object.fromEntries(WORKER_ROLES.map((role) => [role, { ...toolkit, role }])) as never,
    bus: { attempts: 1, backoffMs: 0 },
    ...options,
  });
  cleanups.push(
    () => fleet.close(),
    () => dir.remove(),
  );
  return { fleet, workspace: dir.path };
}

describe('Orchestrator replan bounds', () => {
  async function fleetWithWrongWrites(giveUpInRound?: number) {
    const notices: string[] = [];
    let rounds = 0;
    // The agent always writes the wrong content, so validation always fails.
    const llm = new ScriptedLlmClient({
      rules: [
        {
          match: { phase: 'plan' },
          reply: planReply([{ action: 'write_file', args: { path: 'out.txt', content: 'wrong' } }]),
        },
        {
          match: { phase: 'replan' },
          // A new remediation task each round (ids must stay unique in the run).
          reply: () =>
            ++rounds === giveUpInRound
              ? replanReply(`nothing works ${'noise '.repeat(400)}`, [])
              : replanReply('try again', [
                  {
                    id: `prepare-${rounds}`,
                    description: 'prepare',
                    role: 'backend',
                    depends_on: [],
                    acceptance: [{ type: 'file', path: 'out.txt', content_regex: '^right$' }],
                  },
                ]),
        },
      ],
    });
    const { fleet, workspace } = await fileFleet(llm, {
      agentLimits: { maxIterations: 1, maxWipes: 0 },
      limits: { maxReplanRounds: 2 },
      onNotice: (_runId, message) => notices.push(message),
    });
    return { fleet, llm, workspace, notices };
  }

  it('replans up to the orchestrator bound, then fails with the reason', async () => {
    const { fleet, llm, workspace } = await fleetWithWrongWrites();
    const report = await fleet.orchestrator.run({ problem: 'write', workspace, plan });
    expect(report.state).toBe('failed');
    expect(report.replan_rounds).toBe(2);
    expect(report.reason).toMatch(/no replan rounds left: 2 used/);
    expect(llm.requests.filter((r) => r.phase === 'replan')).toHaveLength(2);
  });

  it("honours a run's own bound over the orchestrator's", async () => {
    const { fleet, llm, workspace } = await fleetWithWrongWrites();
    const report = await fleet.orchestrator.run({
      problem: 'write',
      workspace,
      plan,
      limits: { maxReplanRounds: 0 },
    });
    expect(report.state).toBe('failed');
    expect(report.replan_rounds).toBe(0);
    expect(report.reason).toMatch(/no replan rounds left: 0 used/);
    expect(llm.requests.filter((r) => r.phase === 'replan')).toHaveLength(0);
  });

  it('after a give-up: rounds match the log, the reason is bounded, retried tasks keep their failure', async () => {
    const { fleet, workspace, notices } = await fleetWithWrongWrites(2);
    const report = await fleet.orchestrator.run({ problem: 'write', workspace, plan });
    expect(report.state).toBe('failed');
    const announced = notices.filter((n) => /^replanning \(round \d+\)/.test(n));
    expect(announced).toHaveLength(2);
    expect(report.replan_rounds).toBe(2);
    expect(
      notices.some((n) => n.startsWith('replan round 2: the master gave up: nothing works')),
    ).toBe(true);
    expect(report.reason).toMatch(/the master gave up: nothing works noise/);
    expect(report.reason).toMatch(/more characters cut\)$/);
    expect(report.reason.length).toBeLessThan(1000);
    // write-it failed, was retried behind prepare-1 (which failed too), and never ran again.
    const writeIt = report.tasks.find((t) => t.id === 'write-it')!;
    expect(writeIt).toMatchObject({ state: 'failed', agent_id: expect.any(String) });
    expect(writeIt.reason).toMatch(/^task "write-it" failed/);
    expect(writeIt.iterations).toBeGreaterThan(0);
  });
});

// The stall watchdog counts the run's events, steps included, without receiving them.
describe('Orchestrator stall watchdog', () => {
  async function fleetWithSlowPlans(latencyMs: number, stallMs: number) {
    let plans = 0;
    // Each plan writes different wrong content, so the agent is not stuck, only slow.
    const llm = new ScriptedLlmClient({
      timeoutMs: 5_000,
      rules: [
        {
          match: { phase: 'plan' },
          latencyMs,
          reply: () =>
            planReply([
              { action: 'write_file', args: { path: 'out.txt', content: `wrong ${++plans}` } },
            ]),
        },
      ],
    });
    const { fleet, workspace } = await fileFleet(llm, {
      agentLimits: { maxIterations: 6, maxWipes: 0 },
      limits: { maxReplanRounds: 0, stallMs, maxStalls: 0 },
    });
    return { fleet, llm, workspace };
  }

  it("counts an agent's steps as progress: a busy run outlives stallMs", async () => {
    const { fleet, llm, workspace } = await fleetWithSlowPlans(300, 1_000);
    const report = await fleet.orchestrator.run({ problem: 'write', workspace, plan });
    // It ran for longer than stallMs, with a step at least every iteration.
    expect(llm.requests.filter((r) => r.phase === 'plan').length).toBeGreaterThanOrEqual(5);
    expect(report.reason).not.toMatch(/stalled/);
    expect(report.reason).toMatch(/no replan rounds left/);
  });

  it('stops a run that logs nothing for stallMs', async () => {
    const { fleet, workspace } = await fleetWithSlowPlans(3_000, 300);
    const report = await fleet.orchestrator.run({ problem: 'write', workspace, plan });
    expect(report.reason).toMatch(/stalled: no progress for 300 ms after 0 memory wipes/);
  });
});
