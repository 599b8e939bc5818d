import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FlaskAppFixture, makeFlaskAppFixture } from '@codegod/actions/fixtures';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { redisKeys, runEventSchema, runReportSchema } from '@codegod/protocol';
import { type RedisServer, startRedisServer, tempDir } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChildProcesses,
  childEnvironment,
  runCodegod,
  type TrackedChild,
} from './support/child-processes.js';
import { startDistributedFleet } from './support/distributed-fleet.js';
import { flaskNotFoundRules } from './support/flask-not-found-rules.js';

const run = promisify(execFile);

// "Flask not found" on the distributed fleet: a throwaway redis-server, the built master and
// four agent-worker processes, and the CLI (with REDIS_URL) submitting the run and following it.
describe('e2e: "Flask not found", distributed fleet', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: FlaskAppFixture;
  let llm: ScriptedLlmServer;
  let redisServer: RedisServer;
  let redis: Redis;
  let fleet: TrackedChild[] = [];

  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-flask-distributed-');
    fixture = await makeFlaskAppFixture(dir.path);
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url, { lazyConnect: true });
    llm = await startScriptedLlmServer({
      rules: flaskNotFoundRules(),
    });
    fleet = await startDistributedFleet(children, {
      redisUrl: redisServer.url,
      llmUrl: llm.url,
      env: fixture.pipEnv,
    });
  }, 90_000);

  afterAll(async () => {
    await children.stopAll();
    redis?.disconnect();
    await redisServer?.stop();
    await llm?.close();
    await dir?.remove();
  });

  it('repairs the workspace, recording the task exactly once', { timeout: 180_000 }, async () => {
    const result = await runCodegod(
      children,
      [
        'build',
        'Flask not found',
        '--workspace',
        fixture.workspace,
        '--check',
        'venv/bin/python app.py | grep -qx hello',
        '--json',
      ],
      childEnvironment({ REDIS_URL: redisServer.url }),
    );
    const logs = fleet.map((c) => `--- ${c.name}\n${c.output()}`).join('\n');
    expect(result.code, `${result.stderr}\n${logs}`).toBe(0);
    expect(result.stderr).toContain('submitted');
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    expect(report.state).toBe('succeeded');
    expect(report.tasks).toHaveLength(1);
    const [task] = report.tasks;
    expect(task).toMatchObject({ id: 'install-flask', role: 'backend', state: 'succeeded' });
    expect(task?.agent_id).toBe('backend-e2e-1');
    expect(task?.validation?.valid).toBe(true);
    expect(task?.validation?.output).toContain('venv/bin/python -c import flask\n-> exit 0');
    // The task's own check ran on the worker; the run's --check travelled in the submission
    // and ran on the master, as a shell line.
    expect(task?.proof).toBe('verified');
    expect(task?.validation?.checks.map((c) => [c.ran, c.passed])).toEqual([
      ["venv/bin/python -c 'import flask, app'", true],
    ]);
    expect(report.proof.run_checks.map((c) => [c.ran, c.passed, c.exit_code])).toEqual([
      ["sh -c 'venv/bin/python app.py | grep -qx hello'", true, 0],
    ]);
    expect(report.proof.summary).toBe('verified by 2 checks');
    expect(report.reason).toBe('all tasks succeeded; 1 run check passed');
    expect(result.stderr).toContain(`run ${report.run_id} succeeded: verified by 2 checks`);
    await expect(
      run(join(fixture.workspace, 'venv', 'bin', 'python'), ['-c', 'import flask']),
    ).resolves.toBeDefined();

    // The run's event stream in Redis: one task-end for the one task, and the run ended.
    const entries = await redis.xrange(redisKeys.runEvents(report.run_id), '-', '+');
    const events = entries.map(([, fields]) =>
      runEventSchema.parse(JSON.parse(fields[fields.indexOf('e') + 1] ?? 'null')),
    );
    const ends = events.filter((e) => e.type === 'task-end');
    expect(ends.map((e) => [e.task_id, e.success])).toEqual([['install-flask', true]]);
    expect(events.filter((e) => e.type === 'run-end').map((e) => e.state)).toEqual(['succeeded']);
    expect(events.filter((e) => e.type === 'run-check').map((e) => e.passed)).toEqual([true]);
    // The master and the worker talked to the LLM from their own processes.
    const phases = llm.requests.map((r) => `${r.role}/${r.phase}`);
    expect(phases.filter((p) => p === 'master/decompose')).toHaveLength(1);
    // The master process surveyed the workspace before it decomposed (issue 19).
    const decompose = llm.requests.find((r) => r.phase === 'decompose')!.messages.at(-1)!.content;
    expect(decompose).toMatch(/^ {2}venv\/$/m);
    expect(decompose).toMatch(/- requirements\.txt \[requirements\]/);
    expect(decompose).toMatch(/flask \(requirements\.txt\) is not installed in venv\//);
    expect(decompose).toMatch(/backend observer: flask is listed in requirements\.txt/);
    expect(report.surveys.map((s) => s.round)).toEqual([0]);
    expect(phases).toContain('backend/plan');
  });

  it("shows the run on the master's dashboard, and wipes the worker's memory in Redis", {
    timeout: 60_000,
  }, async () => {
    const master = fleet[0] as TrackedChild;
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/dashboard\/)"/.exec(master.output())?.[1];
    expect(url, master.output()).toBeDefined();
    const base = url as string;
    const overview = (await (await fetch(`${base}api/overview`)).json()) as {
      runs: { run_id: string; state: string }[];
    };
    const shown = overview.runs[0];
    expect(shown?.state).toBe('succeeded');
    const runView = (await (await fetch(`${base}api/runs/${shown?.run_id}`)).json()) as {
      tasks: { id: string; state: string; wave: number; agent_id: string }[];
    };
    expect(runView.tasks).toEqual([
      expect.objectContaining({
        id: 'install-flask',
        state: 'succeeded',
        wave: 0,
        agent_id: 'backend-e2e-1',
      }),
    ]);

    // The worker's memory, as the master's dashboard wipes it: in Redis, only with the token.
    const key = redisKeys.memory('backend-e2e-1');
    expect(JSON.parse((await redis.hget(key, 'completed_tasks')) ?? '[]')).not.toEqual([]);
    const wipe = `${base}api/agents/backend-e2e-1/wipe`;
    expect((await fetch(wipe, { method: 'POST' })).status).toBe(403);
    const page = await (await fetch(base)).text();
    const token = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
    const wiped = await fetch(wipe, { method: 'POST', headers: { 'x-csrf-token': token } });
    expect(wiped.status).toBe(200);
    expect(JSON.parse((await redis.hget(key, 'completed_tasks')) ?? 'null')).toEqual([]);
    expect(JSON.parse((await redis.hget(key, 'agent_role')) ?? 'null')).toBe('backend');
  });
});
