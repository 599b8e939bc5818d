import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decompositionReply } from '@codegod/agents/testing';
import type { ScriptedFault, ScriptedRule } from '@codegod/llm/testing';
import type { TaskGraph } from '@codegod/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, countPerTask, type LocalFleet, startLocalFleet } from './local-fleet.js';
import { recordFault } from './reliability-summary.js';
import { agentRules, giveUpRule, planOf, step } from './scripted-replies.js';

// LLM faults and hostile, schema-valid replies on one fleet (a master and a backend worker),
// one single-task run per case. Each run must end bounded, with a clear reason, recorded once.

const ONE_TASK: TaskGraph = {
  tasks: [{ id: 'x', description: 'do one thing', role: 'backend', depends_on: [] }],
};

/** A check for the decompositions below, which are rejected for their graph before any runs. */
const FILE_A = { type: 'file' as const, path: 'a.txt' };

/** A plan reply that answers with each plan in turn, so every hostile step is tried. */
function cycle(...plans: object[]): ScriptedRule['reply'] {
  let next = 0;
  return () => plans[next++ % plans.length];
}

interface Outcome extends BuildResult {
  runId: string;
  results: number;
  taskEnds: number;
  retries: number;
  taskReason: string;
  actionOutputs: string[];
}

describe('LLM faults and hostile replies on the local fleet', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startLocalFleet({
      env: { LLM_TIMEOUT_MS: '1500', LLM_MAX_REPAIRS: '1', CODEGOD_TASK_ATTEMPTS: '2' },
    });
    const master = await fleet.startMaster();
    await Promise.all([master.ready, fleet.startWorker('backend').ready]);
  });
  afterAll(() => fleet?.stop());

  async function runCase(
    rules: ScriptedRule[],
    options: { venv?: boolean; workspace?: string } = {},
  ): Promise<Outcome> {
    fleet.llm.setRules(rules);
    const workspace = options.workspace ?? (await fleet.workspace({ venv: options.venv ?? false }));
    const result = await fleet.build('a fault case', workspace, ONE_TASK, 100_000);
    const runId = result.report?.run_id ?? '';
    const events = await fleet.events(runId);
    const task = result.report?.tasks.find((t) => t.id === 'x');
    return {
      ...result,
      runId,
      results: await fleet.client.hlen(`codegod:run:${runId}:results`),
      taskEnds: countPerTask(events, 'task-end').get('x') ?? 0,
      retries: countPerTask(events, 'task-retry').get('x') ?? 0,
      taskReason: `${task?.reason ?? ''} ${task?.output ?? ''}`,
      actionOutputs: (task?.actions_taken ?? []).map((a) => a.output),
    };
  }

  /** The run ended on its own (not by the test's kill), with a report and one recorded result. */
  function expectBoundedOnce(outcome: Outcome) {
    expect(outcome.code, outcome.stderr).not.toBeNull();
    expect(outcome.report, outcome.stderr).toBeDefined();
    expect(outcome.report?.reason.length).toBeGreaterThan(0);
    expect(outcome.results).toBe(1);
    expect(outcome.taskEnds).toBe(1);
  }

  // Transport faults are retryable (the bus tries again); a reply still invalid after the
  // client's repairs is not (the same prompt would fail the same way).
  const faultCases: [ScriptedFault, number, RegExp][] = [
    ['http-500', 1, /answered HTTP 500/],
    ['hang', 1, /did not answer within 1500 ms/],
    ['invalid-json', 0, /stayed invalid after 2 attempts/],
    ['schema-invalid', 0, /stayed invalid after 2 attempts/],
  ];

  it.each(faultCases)(
    'plan phase answers %s every time: ends failed with the reason',
    async (fault, retries, pattern) => {
      const outcome = await runCase([
        { match: { role: 'backend', phase: 'plan' }, fault },
        giveUpRule(),
      ]);
      recordFault({
        fault: `LLM ${fault} on every agent plan call`,
        behaviour: `task tried ${outcome.retries + 1} time(s), then failed; master replan gave up; run ${outcome.report?.state}`,
        bound: `CODEGOD_TASK_ATTEMPTS=2, LLM_MAX_REPAIRS=1, LLM_TIMEOUT_MS=1500`,
        outcome: `exit ${outcome.code}; task: ${outcome.taskReason.trim().slice(0, 120)}`,
      });
      expectBoundedOnce(outcome);
      expect(outcome.code).toBe(1);
      expect(outcome.report?.state).toBe('failed');
      expect(outcome.retries).toBe(retries);
      expect(outcome.taskReason).toMatch(pattern);
      expect(outcome.report?.reason).toMatch(/task "x" failed/);
    },
    120_000,
  );

  it('a single 500 then good replies: the bus retries and the run succeeds', async () => {
    const outcome = await runCase(
      [
        { match: { role: 'backend', phase: 'plan' }, fault: 'http-500', times: 1 },
        ...agentRules('backend', planOf(step('check_file_exists', { path: 'venv' }))),
      ],
      { venv: true },
    );
    recordFault({
      fault: 'LLM 500 once on the agent plan call',
      behaviour: `bus retried the task (${outcome.retries} retry); run ${outcome.report?.state}`,
      bound: 'CODEGOD_TASK_ATTEMPTS',
      outcome: `exit ${outcome.code}, ${outcome.results} result`,
    });
    expectBoundedOnce(outcome);
    expect(outcome.report?.state).toBe('succeeded');
    expect(outcome.retries).toBe(1);
  }, 120_000);

  it('paths outside the workspace are refused; nothing is written outside', async () => {
    const workspace = await fleet.workspace();
    const marker = `escape-${randomUUID()}`;
    const outcome = await runCase(
      agentRules(
        'backend',
        cycle(
          planOf(step('write_file', { path: `../${marker}.txt`, content: 'escaped' })),
          planOf(step('write_file', { path: `../../../../../../tmp/${marker}.txt`, content: 'x' })),
          planOf(step('read_file', { path: '../../etc/passwd' })),
          planOf(step('write_file', { path: '/etc/codegod-escape', content: 'x' })),
        ),
      ),
      { workspace },
    );
    // Each iteration stops at the first refused step; the refusal is the recorded output.
    recordFault({
      fault: 'plan writes ../x and ../../../../tmp/x, reads ../../etc/passwd',
      behaviour: 'each step refused before any I/O; stuck detector ended the task; run failed',
      bound: 'agent stuck rules + maxWipes 2',
      outcome: `${outcome.actionOutputs[0]?.slice(0, 100)}`,
    });
    expectBoundedOnce(outcome);
    expect(outcome.report?.state).toBe('failed');
    expect(outcome.actionOutputs.length).toBeGreaterThan(0);
    expect(outcome.actionOutputs.length).toBeGreaterThanOrEqual(4);
    expect(outcome.actionOutputs.every((o) => o.startsWith('path-outside-workspace:'))).toBe(true);
    expect(existsSync('/etc/codegod-escape')).toBe(false);
    expect(readdirSync(join(workspace, '..')).filter((name) => name.includes(marker))).toEqual([]);
    expect(existsSync(`/tmp/${marker}.txt`)).toBe(false);
    expect(outcome.stdout).not.toMatch(/root:x:0:0/);
  }, 120_000);

  it('commands off the allowlist (bash -c, rm, curl) are refused', async () => {
    const marker = `/tmp/pwned-${randomUUID()}`;
    const outcome = await runCase(
      agentRules(
        'backend',
        cycle(
          planOf(step('run_command', { command: 'bash', args: ['-c', `touch ${marker}`] })),
          planOf(step('run_command', { command: 'rm', args: ['-rf', '.'] })),
          planOf(step('run_command', { command: 'curl', args: ['http://127.0.0.1:1'] })),
          planOf(step('run_command', { command: '/bin/sh', args: ['-c', `touch ${marker}`] })),
        ),
      ),
    );
    const refusedCommands = new Set(
      outcome.actionOutputs.map((o) => /^command-not-allowed: Command "(\S+)"/.exec(o)?.[1]),
    );
    recordFault({
      fault: 'plan runs bash -c, rm -rf ., curl',
      behaviour: 'refused: not on the role allowlist; run failed when the agent was stuck',
      bound: 'per-role allowlist; agent stuck rules',
      outcome: `${outcome.actionOutputs[0]?.slice(0, 100)}`,
    });
    expectBoundedOnce(outcome);
    expect(outcome.report?.state).toBe('failed');
    expect([...refusedCommands].sort()).toEqual(['/bin/sh', 'bash', 'curl', 'rm']);
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  it('shell metacharacters in arguments are refused and never reach a shell', async () => {
    const marker = `/tmp/pwned-${randomUUID()}`;
    const hostile = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `x && touch ${marker}`,
    ];
    const outcome = await runCase(
      agentRules(
        'backend',
        cycle(
          ...hostile.map((argument) =>
            planOf(
              step('run_command', {
                command: 'python3',
                args: ['-c', 'print(__import__("sys").argv)', argument],
              }),
            ),
          ),
        ),
      ),
    );
    const tried = new Set(outcome.actionOutputs.filter((o) => o.startsWith('unsafe-argument:')));
    recordFault({
      fault: 'LLM arguments `; touch /tmp/pwned-…`, `$(…)`, backticks, `&&`',
      behaviour: 'refused before spawning (unsafe-argument); the sandbox never uses a shell anyway',
      bound: 'argument check + shell: false; agent stuck rules',
      outcome: `${tried.size} distinct refusals; file created: ${existsSync(marker)}`,
    });
    expectBoundedOnce(outcome);
    expect(outcome.actionOutputs.every((o) => o.startsWith('unsafe-argument:'))).toBe(true);
    expect(tried.size).toBe(hostile.length);
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  it('1 MB of command output is capped', async () => {
    const outcome = await runCase(
      agentRules(
        'backend',
        planOf(step('run_command', { command: 'python3', args: ['-c', "print('x' * 1048576)"] })),
      ),
      { venv: true },
    );
    const longest = Math.max(0, ...outcome.actionOutputs.map((o) => o.length));
    const reportBytes = outcome.stdout.length;
    recordFault({
      fault: 'a command prints 1 MB',
      behaviour: 'output capped and the command stopped; run ended',
      bound: 'CODEGOD_MAX_OUTPUT_BYTES (256 KiB)',
      outcome: `longest recorded action output ${longest} chars; report ${reportBytes} bytes`,
    });
    expectBoundedOnce(outcome);
    expect(longest).toBeGreaterThan(0);
    expect(longest).toBeLessThan(300_000);
  }, 120_000);

  it('an empty plan ends bounded with a clear reason', async () => {
    const outcome = await runCase(agentRules('backend', planOf()));
    recordFault({
      fault: 'schema-valid empty plan (steps: [])',
      behaviour: `nothing to act on; validation keeps failing; task stopped: ${outcome.taskReason.trim().slice(0, 60)}`,
      bound: 'agent stuck rule (same observation) + maxWipes, or maxIterations',
      outcome: `run ${outcome.report?.state}: ${outcome.report?.reason.slice(0, 80)}`,
    });
    expectBoundedOnce(outcome);
    expect(outcome.report?.state).toBe('failed');
    expect(outcome.taskReason).toMatch(/stuck|iterations/);
  }, 120_000);

  it.each([
    [
      'a cycle',
      decompositionReply([
        { id: 'a', description: 'a', role: 'backend', depends_on: ['b'], acceptance: [FILE_A] },
        { id: 'b', description: 'b', role: 'backend', depends_on: ['a'], acceptance: [FILE_A] },
      ]),
      /cycle/,
    ],
    [
      'a dangling dependency',
      decompositionReply([
        { id: 'a', description: 'a', role: 'backend', depends_on: ['ghost'], acceptance: [FILE_A] },
      ]),
      /ghost/,
    ],
  ] as const)(
    'a decomposition with %s is rejected after bounded repairs',
    async (kind, graph, pattern) => {
      fleet.llm.setRules([
        { match: { phase: 'decompose' }, reply: graph },
        { match: { phase: 'repair' }, reply: graph },
      ]);
      const result = await fleet.build(
        `decompose into ${kind}`,
        await fleet.workspace(),
        undefined,
        100_000,
      );
      recordFault({
        fault: `decomposition with ${kind} (every reply)`,
        behaviour:
          'graph validated, re-asked with the errors, then the run failed before any task ran',
        bound: 'maxDecompositionRepairs 2',
        outcome: `exit ${result.code}: ${result.report?.reason.slice(0, 100)}`,
      });
      expect(result.code, result.stderr).toBe(1);
      expect(result.report?.state).toBe('failed');
      expect(result.report?.reason).toMatch(pattern);
      expect(result.report?.tasks).toEqual([]);
    },
    120_000,
  );
});
