import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RoleToolkit } from '@codegod/actions';
import { toolkitFor } from '@codegod/actions';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { createInMemoryMemoryStore } from '@codegod/memory';
import type { AcceptanceCheck, Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { createFileToolkit } from './testing/file-toolkit.js';
import { planReply, type ScriptedStep } from './testing/scripted-replies.js';

const run = promisify(execFile);

// Validate = the role's health check AND the task's own acceptance checks. The checks come
// from the task, so a plan that does not do the work, or whose action was refused, cannot
// make the task succeed while a check fails.

let server: ScriptedLlmServer;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  server = await startScriptedLlmServer();
  dir = await tempDir('codegod-agent-checks-');
});
afterAll(async () => {
  await server.close();
  await dir.remove();
});

function agentFor(toolkit: RoleToolkit) {
  return createAgent({
    agentId: `${toolkit.role}-checks`,
    toolkit,
    llm: createLlmClient({ baseURL: server.url, model: 'scripted-model', env: {} }),
    memory: createInMemoryMemoryStore(),
    limits: { maxIterations: 2, maxWipes: 0 },
  });
}

describe('the task acceptance checks in Validate', () => {
  let workspace: string;
  let count = 0;
  beforeEach(async () => {
    workspace = join(dir.path, `ws-${++count}`);
    await run('mkdir', ['-p', workspace]);
  });

  it("keeps a task invalid while a check fails, shows the check's output to the next iteration, and records every check", async () => {
    const greet = 'def greet():\n    return "hello"\n';
    const acceptance: AcceptanceCheck[] = [
      { type: 'file', path: 'hello.txt' },
      {
        type: 'command',
        argv: ['python3', '-c', 'import greeting; assert greeting.greet() == "hello"'],
      },
    ];
    const task: Task = {
      id: 'greet',
      description: 'Add greet()',
      role: 'backend',
      depends_on: [],
      acceptance,
    };
    const write = (path: string, content: string): ScriptedStep => ({
      action: 'write_file',
      args: { path, content },
    });
    server.setRules([
      // The second plan is only given to a prompt that shows the failing check's traceback.
      {
        match: { phase: 'plan', contains: "ModuleNotFoundError: No module named 'greeting'" },
        reply: planReply([write('greeting.py', greet)]),
      },
      { match: { phase: 'plan' }, reply: planReply([write('hello.txt', 'hi')]) },
    ]);
    // The file toolkit's own health check passes as soon as hello.txt says "hi".
    const toolkit = createFileToolkit({ path: 'hello.txt', content: 'hi' });
    const result = await agentFor(toolkit).run(task, { runId: 'run-greet', workspace });
    expect(result.success).toBe(true);
    expect(result.output).toMatch(/^validated after 2 iteration\(s\): 2 acceptance checks passed/);
    expect(result.validation.checks.map((c) => [c.ran, c.passed])).toEqual([
      ['file hello.txt exists', true],
      [`python3 -c 'import greeting; assert greeting.greet() == "hello"'`, true],
    ]);
    const plans = server.requests.filter((r) => r.phase === 'plan').slice(-2);
    expect(plans[1]?.messages.at(-1)?.content).toContain(
      `acceptance check failed: python3 -c 'import greeting; assert greeting.greet() == "hello"': exited 1, expected 0`,
    );
  });

  it("runs the testing role's test command once when a check is that same command", async () => {
    // Each run of the suite appends to runs.txt: what really ran is on disk.
    await writeFile(
      join(workspace, 'package.json'),
      JSON.stringify({ name: 'shared', version: '1.0.0', scripts: { test: 'node --test' } }),
    );
    await run('mkdir', ['-p', join(workspace, 'tests')]);
    await writeFile(
      join(workspace, 'tests', 'runs.test.js'),
      "const test = require('node:test');\n" +
        "test('counts', () => require('node:fs').appendFileSync('runs.txt', 'x'));\n",
    );
    server.setRules([
      {
        match: { phase: 'plan' },
        reply: planReply([{ action: 'read_file', args: { path: 'package.json' } }]),
      },
    ]);
    const task: Task = {
      id: 'tests-pass',
      description: 'The test suite passes',
      role: 'testing',
      depends_on: [],
      acceptance: [{ type: 'command', argv: ['npm', 'test'], stdout_regex: '^# pass 1' }],
    };
    const result = await agentFor(toolkitFor('testing')).run(task, {
      runId: 'r-shared',
      workspace,
    });
    expect(result.success, result.output).toBe(true);
    expect(result.validation.output).toContain('npm test: 1 passed, 0 failed');
    expect(result.validation.checks).toMatchObject([{ ran: 'npm test', passed: true }]);
    expect(await readFile(join(workspace, 'runs.txt'), 'utf8')).toBe('x');
  });

  describe('with the real backend toolkit (a venv that imports)', () => {
    let toolkit: RoleToolkit;
    const healthCheck: AcceptanceCheck = {
      type: 'command',
      argv: ['venv/bin/python', '-c', 'import app; assert app.health() == "ok", "no health()"'],
    };
    beforeEach(async () => {
      await run('python3', ['-m', 'venv', '--without-pip', join(workspace, 'venv')]);
      await writeFile(join(workspace, 'app.py'), 'def index():\n    return "hello"\n');
      toolkit = toolkitFor('backend');
    });
    const task = (acceptance?: AcceptanceCheck[]): Task => ({
      id: 'add-health',
      description: 'Add a health() function to app.py that returns "ok"',
      role: 'backend',
      depends_on: [],
      ...(acceptance ? { acceptance } : {}),
    });
    const scripted = (steps: ScriptedStep[]) =>
      server.setRules([{ match: { phase: 'plan' }, reply: planReply(steps) }]);

    it('fails a task whose only action is refused, with the failing check as the reason', async () => {
      expect((await toolkit.validate(task(), { workspace })).valid).toBe(true);
      scripted([{ action: 'run_command', args: { command: 'rm', args: ['app.py'] } }]);
      const result = await agentFor(toolkit).run(task([healthCheck]), { runId: 'r1', workspace });
      expect(result.actions_taken.map((a) => [a.action, a.success])).toEqual([
        ['run_command', false],
        ['run_command', false],
      ]);
      expect(result.actions_taken[0]?.output).toMatch(/^command-not-allowed/);
      expect(result.success).toBe(false);
      expect(result.output).toContain(
        'acceptance check failed: venv/bin/python -c \'import app; assert app.health() == "ok", "no health()"\': exited 1, expected 0',
      );
      expect(result.output).toContain("AttributeError: module 'app' has no attribute 'health'");
    });

    it('fails a lazy plan that only reads the file', async () => {
      scripted([{ action: 'read_file', args: { path: 'app.py' } }]);
      const result = await agentFor(toolkit).run(task([healthCheck]), { runId: 'r2', workspace });
      expect(result.actions_taken.every((a) => a.action === 'read_file' && a.success)).toBe(true);
      expect(result.success).toBe(false);
      expect(result.validation.checks).toMatchObject([{ passed: false, exit_code: 1 }]);
    });

    it('lets the refused task succeed only once its checks pass, and marks checkless success', async () => {
      await writeFile(join(workspace, 'app.py'), 'def health():\n    return "ok"\n');
      scripted([{ action: 'run_command', args: { command: 'rm', args: ['app.py'] } }]);
      const verified = await agentFor(toolkit).run(task([healthCheck]), { runId: 'r3', workspace });
      expect(verified.success).toBe(true);
      expect(verified.validation.checks).toMatchObject([{ passed: true }]);
      // Without checks only the venv health is known: it succeeds, with no check to show.
      const unverified = await agentFor(toolkit).run(task(), { runId: 'r4', workspace });
      expect(unverified.success).toBe(true);
      expect(unverified.validation.checks).toEqual([]);
    });
  });
});
