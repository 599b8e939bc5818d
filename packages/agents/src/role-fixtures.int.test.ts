import { type RoleToolkit, toolkitFor } from '@codegod/actions';
import {
  makeFlaskAppFixture,
  makeImportErrorTestsFixture,
  makeMissingDockerfileFixture,
  makeNodeMainFixture,
} from '@codegod/actions/fixtures';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { createInMemoryMemoryStore } from '@codegod/memory';
import type { AcceptanceCheck, Task, WorkerRole } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { planReply, type ScriptedStep } from './testing/scripted-replies.js';

// Issue 6's acceptance: each broken fixture is repaired for real by its role's agent, with the
// scripted LLM server supplying the plans and the role's real validator checking the result.
// Each task also carries an acceptance check of its goal, which fails before the repair.

let server: ScriptedLlmServer;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startScriptedLlmServer();
  dir = await tempDir('codegod-role-fixtures-');
});
afterAll(async () => {
  await server.close();
  await dir.remove();
});

async function repair(
  role: WorkerRole,
  workspace: string,
  steps: ScriptedStep[],
  acceptance: AcceptanceCheck[],
  toolkit: RoleToolkit = toolkitFor(role),
) {
  const task: Task = {
    id: `fix-${role}`,
    description: `repair the ${role} fixture`,
    role,
    depends_on: [],
    acceptance,
  };
  const context = { workspace };
  const before = await toolkit.validate(task, context);
  // The goal is not met yet: every check fails before the agent runs.
  const checksBefore = await toolkit.runChecks(acceptance, context);
  expect(checksBefore.map((check) => check.passed)).toEqual(acceptance.map(() => false));
  server.setRules([{ match: { role, phase: 'plan' }, reply: planReply(steps) }]);
  const agent = createAgent({
    agentId: `${role}-fixture`,
    toolkit,
    llm: createLlmClient({
      baseURL: server.url,
      model: 'scripted-model',
      timeoutMs: 10_000,
      env: {},
    }),
    memory: createInMemoryMemoryStore(),
    limits: { maxIterations: 2, maxWipes: 0 },
  });
  const result = await agent.run(task, { runId: `run-${role}`, workspace });
  const after = await toolkit.validate(task, context);
  // The task succeeded on the strength of its checks, and each one passed.
  expect(result.validation.checks.map((check) => [check.ran, check.passed])).toEqual(
    checksBefore.map((check) => [check.ran, true]),
  );
  return { before, result, after };
}

describe('role agents repair the fixtures for real', () => {
  it('backend: installs the listed but missing flask from a local wheel', async () => {
    const fixture = await makeFlaskAppFixture(`${dir.path}/flask`);
    const toolkit = toolkitFor('backend', { env: { ...process.env, ...fixture.pipEnv } });
    const { before, result, after } = await repair(
      'backend',
      fixture.workspace,
      [
        {
          action: 'install_dependency',
          args: { requirements_file: 'requirements.txt', venv: 'venv' },
        },
      ],
      [{ type: 'command', argv: ['venv/bin/python', '-c', 'import flask, app'] }],
      toolkit,
    );
    expect(before.valid).toBe(false);
    expect(result.success).toBe(true);
    expect(result.actions_taken.map((a) => [a.action, a.success])).toEqual([
      ['install_dependency', true],
    ]);
    expect(after).toMatchObject({ valid: true });
    expect(after.output).toContain('import flask');
  });

  it('frontend: points main at src/ and installs the dependencies with real npm', async () => {
    const fixture = await makeNodeMainFixture(`${dir.path}/node`);
    const { before, result, after } = await repair(
      'frontend',
      fixture.workspace,
      [
        { action: 'update_package_json', args: { main: fixture.realMain } },
        { action: 'npm_install', args: {} },
      ],
      [
        {
          type: 'command',
          argv: ['node', '-e', "console.log(typeof require('./').dependency)"],
          stdout_regex: '^function$',
        },
      ],
    );
    expect(before.valid).toBe(false);
    expect(result.success).toBe(true);
    expect(after.valid).toBe(true);
  });

  it('devops: writes the missing Dockerfile, which the static check accepts', async () => {
    const fixture = await makeMissingDockerfileFixture(`${dir.path}/docker`);
    const { before, result, after } = await repair(
      'devops',
      fixture.workspace,
      [
        {
          action: 'create_dockerfile',
          args: {
            base_image: 'python:3.11-slim',
            copy: [{ source: '.', target: '.' }],
            run: ['pip install -r requirements.txt'],
            expose: [5000],
            cmd: ['python', 'app.py'],
          },
        },
      ],
      [{ type: 'file', path: 'Dockerfile', content_regex: '^FROM python:3\\.11-slim$' }],
    );
    expect(before.valid).toBe(false);
    expect(result.success).toBe(true);
    expect(after.valid).toBe(true);
  });

  it('testing: fixes the import the tests fail on, and the suite passes', async () => {
    const fixture = await makeImportErrorTestsFixture(`${dir.path}/tests`);
    const { before, result, after } = await repair(
      'testing',
      fixture.workspace,
      [
        { action: 'write_file', args: { path: fixture.testFile, content: fixture.fixedTest } },
        { action: 'run_tests', args: {} },
      ],
      [
        {
          type: 'command',
          argv: ['python3', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'],
          stderr_regex: 'Ran 2 tests',
        },
      ],
    );
    expect(before.valid).toBe(false);
    expect(before.output).toContain("No module named 'calculator'");
    expect(result.success).toBe(true);
    expect(after.valid).toBe(true);
  });
});
