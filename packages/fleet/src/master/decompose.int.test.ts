import { decompositionReply, type ScriptedTask } from '@codegod/agents/testing';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { DecompositionError, decompose } from '@codegod/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appCheck = { type: 'file' as const, path: 'app.py' };
const buildCheck = { type: 'command' as const, argv: ['npm', 'run', 'build'], cwd: 'web' };
const task = (
  id: string,
  role: ScriptedTask['role'],
  dependsOn: string[],
  acceptance: ScriptedTask['acceptance'],
): ScriptedTask => ({ id, description: id, role, depends_on: dependsOn, acceptance });
const cyclic = decompositionReply([
  task('a', 'backend', ['b'], [appCheck]),
  task('b', 'frontend', ['a'], [buildCheck]),
]);
const repairedTasks = [
  task('a', 'backend', [], [appCheck]),
  task('b', 'frontend', ['a'], [buildCheck]),
];
const repaired = { tasks: repairedTasks };

describe('decompose (real openai client, scripted server)', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer();
  });
  afterAll(() => server.close());

  const client = () =>
    createLlmClient({ baseURL: server.url, model: 'scripted-model', timeoutMs: 5000, env: {} });

  it('feeds a cycle back to the LLM and takes the repaired graph', async () => {
    server.setRules([
      { match: { phase: 'decompose' }, reply: cyclic },
      { match: { phase: 'repair' }, reply: decompositionReply(repairedTasks) },
    ]);
    server.resetStats();
    const before = server.requests.length;
    const result = await decompose(client(), 'Build a thing', {
      runId: 'r1',
      maxRepairs: 2,
      maxTasks: 10,
    });
    expect(result.graph).toEqual(repaired);
    expect(result.attempts).toBe(2);
    expect(result.rejected[0]?.map((e) => e.code)).toEqual(['cycle']);
    const repairRequest = server.requests.slice(before)[1]!;
    expect(repairRequest.phase).toBe('repair');
    expect(repairRequest.messages.at(-1)?.content).toMatch(/dependency cycle: a -> b -> a/);
  });

  it('rejects clearly when the graph stays cyclic', async () => {
    server.setRules([{ match: { role: 'master' }, reply: cyclic }]);
    const error = await decompose(client(), 'Build a thing', {
      runId: 'r2',
      maxRepairs: 1,
      maxTasks: 10,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecompositionError);
    expect((error as Error).message).toMatch(/after 2 attempts: dependency cycle: a -> b -> a/);
    expect((error as Error).message).toMatch(/--plan/);
  });

  it('rejects a dangling dependency and a graph over the task budget', async () => {
    server.setRules([
      {
        match: { role: 'master' },
        reply: decompositionReply([task('a', 'backend', ['ghost'], [appCheck])]),
      },
    ]);
    await expect(
      decompose(client(), 'x', { runId: 'r3', maxRepairs: 0, maxTasks: 10 }),
    ).rejects.toThrow(/depends on "ghost"/);
    server.setRules([{ match: { role: 'master' }, reply: decompositionReply(repairedTasks) }]);
    await expect(
      decompose(client(), 'x', { runId: 'r4', maxRepairs: 0, maxTasks: 1 }),
    ).rejects.toThrow(/2 tasks; the limit is 1/);
  });

  it('a 10,000-task cyclic graph ends in a short error and a bounded repair prompt', {
    timeout: 60_000,
  }, async () => {
    // t0 -> t1 -> … -> t9999 -> every task: 10,000 cycles. Listing them took 440 MB.
    const size = 10_000;
    const huge = decompositionReply(
      Array.from({ length: size }, (_, i) =>
        task(
          `t${i}`,
          'backend',
          i === size - 1 ? Array.from({ length: size }, (_, j) => `t${j}`) : [`t${i + 1}`],
          [appCheck],
        ),
      ),
    );
    server.setRules([{ match: { role: 'master' }, reply: huge }]);
    server.resetStats();
    const error = await decompose(client(), 'x', {
      runId: 'r5',
      maxRepairs: 1,
      maxTasks: 10,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecompositionError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /after 2 attempts: the graph has 10000 tasks; the limit is 10; dependency cycle of 10000 tasks: t0 -> t1 .* -> t0; dependency cycle .*; and \d+ more problems\./,
    );
    expect(message.length).toBeLessThan(1000);
    const repair = server.requests[1]!.messages.at(-1)!.content;
    expect(repair).toContain(`and at least ${size - 5} more dependency cycles`);
    expect(repair.length).toBeLessThan(5000);
    // The graph echoed back is cut too: the whole repair request stays small.
    expect(JSON.stringify(server.requests[1]!.body).length).toBeLessThan(40_000);
  });

  it('requires a check per task in the schema it sends, and returns the proposed run checks', async () => {
    const runCheck = { type: 'command' as const, argv: ['venv/bin/python', '-c', 'import app'] };
    server.setRules([
      // A task without checks breaks the schema: the client re-asks with the problem.
      {
        match: { phase: 'decompose' },
        times: 1,
        reply: { tasks: [{ ...repairedTasks[0], acceptance: [] }], run_checks: [] },
      },
      { match: { phase: 'decompose' }, reply: decompositionReply(repairedTasks, [runCheck]) },
    ]);
    const before = server.requests.length;
    const result = await decompose(client(), 'x', { runId: 'r5', maxRepairs: 0, maxTasks: 10 });
    expect(result.graph).toEqual(repaired);
    expect(result.runChecks).toEqual([runCheck]);
    const [first, second] = server.requests.slice(before);
    const schema = JSON.stringify(
      (first!.body as { response_format: { json_schema: { schema: unknown } } }).response_format
        .json_schema.schema,
    );
    expect(schema).toContain('"acceptance":{"minItems":1');
    expect(schema).not.toContain('oneOf');
    expect(second?.messages.at(-1)?.content).toMatch(/tasks\.0\.acceptance: Too small/);
  });

  it('feeds checks that start a shell or leave the workspace back for repair', async () => {
    const shell = { type: 'command' as const, argv: ['sh', '-c', 'pytest -q && echo ok'] };
    const outside = { type: 'file' as const, path: '../etc/passwd' };
    server.setRules([
      {
        match: { phase: 'decompose' },
        reply: decompositionReply([task('a', 'testing', [], [shell, outside])], [shell]),
      },
      { match: { phase: 'repair' }, reply: decompositionReply(repairedTasks) },
    ]);
    const before = server.requests.length;
    const result = await decompose(client(), 'x', { runId: 'r6', maxRepairs: 1, maxTasks: 10 });
    expect(result.attempts).toBe(2);
    expect(result.rejected[0]?.map((e) => e.code)).toEqual([
      'invalid-check',
      'invalid-check',
      'invalid-check',
    ]);
    const repair = server.requests.slice(before)[1]?.messages.at(-1)?.content ?? '';
    expect(repair).toContain('acceptance[1].path: must stay inside the workspace');
    expect(repair).toContain('task "a": acceptance[0] starts the shell sh');
    expect(repair).toContain('run_checks: acceptance[0] starts the shell sh');
  });
});
