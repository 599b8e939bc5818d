import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type MissingDockerfileFixture,
  makeMissingDockerfileFixture,
} from '@codegod/actions/fixtures';
import { decompositionReply, type ScriptedTask, taskRules } from '@codegod/agents/testing';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { runReportSchema } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChildProcesses, childEnvironment, runCodegod } from './support/child-processes.js';

const DOCKERFILE =
  'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt app.py ./\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';

const dockerfileTask: ScriptedTask = {
  id: 'dockerfile',
  description: 'Write a Dockerfile for the Flask app',
  role: 'devops',
  depends_on: [],
  acceptance: [{ type: 'file', path: 'Dockerfile', content_regex: '^FROM python:3\\.11-slim$' }],
};
/** dockerfile and env-file each wait for the other: not a DAG. */
const cyclicGraph = decompositionReply([
  { ...dockerfileTask, depends_on: ['env-file'] },
  {
    id: 'env-file',
    description: 'Write the .env file',
    role: 'devops',
    depends_on: ['dockerfile'],
    acceptance: [{ type: 'file', path: '.env' }],
  },
]);

// The LLM's decomposition has a dependency cycle: the master feeds the error back (phase
// `repair`); a fixed graph runs, a graph that stays cyclic ends the CLI with one clear line.
describe('e2e: a cyclic decomposition, embedded CLI', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: MissingDockerfileFixture;
  let llm: ScriptedLlmServer;

  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-cycle-');
    fixture = await makeMissingDockerfileFixture(dir.path);
    llm = await startScriptedLlmServer();
  });

  beforeEach(() => llm.resetStats());

  afterAll(async () => {
    await children.stopAll();
    await llm?.close();
    await dir?.remove();
  });

  const build = () =>
    runCodegod(
      children,
      ['build', 'Containerize the Flask app', '-w', fixture.workspace, '--json'],
      childEnvironment({ VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' }),
    );

  it('repairs the graph and runs it', { timeout: 120_000 }, async () => {
    llm.setRules([
      { match: { role: 'master', phase: 'decompose' }, reply: cyclicGraph },
      { match: { role: 'master', phase: 'repair' }, reply: decompositionReply([dockerfileTask]) },
      ...taskRules('devops', 'dockerfile', [
        { action: 'create_dockerfile', args: { content: DOCKERFILE } },
      ]),
    ]);
    const result = await build();
    expect(result.code, result.stderr).toBe(0);
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    expect(report.state).toBe('succeeded');
    expect(report.tasks.map((t) => [t.id, t.state])).toEqual([['dockerfile', 'succeeded']]);
    expect(report.tasks[0]?.validation?.valid).toBe(true);
    expect(report.tasks[0]?.proof).toBe('verified');
    expect(report.tasks[0]?.validation?.checks.map((c) => [c.ran, c.passed])).toEqual([
      ['file Dockerfile matches /^FROM python:3\\.11-slim$/', true],
    ]);
    await access(join(fixture.workspace, 'Dockerfile'));
    // The repair request carried the cycle back to the LLM.
    const repairs = llm.requests.filter((r) => r.phase === 'repair');
    expect(repairs).toHaveLength(1);
    const feedback = repairs[0]?.messages.at(-1)?.content ?? '';
    expect(feedback).toMatch(
      /dependency cycle: (dockerfile -> env-file -> dockerfile|env-file -> dockerfile -> env-file)/,
    );
  });

  it('rejects a graph that stays cyclic: exit 1, one line naming the cycle, and a failed report', {
    timeout: 120_000,
  }, async () => {
    llm.setRules([{ match: { role: 'master' }, reply: cyclicGraph }]);
    const result = await build();
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    // The error, then where the run's report went: a run that started always has one.
    expect(lines, result.stderr).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^codegod: .*dependency cycle: (dockerfile -> env-file -> dockerfile|env-file -> dockerfile -> env-file)/,
    );
    expect(lines[1]).toMatch(/^ {2}report: .*\.codegod\/run-.*\.json$/);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ state: 'failed', tasks: [] });
    expect(`codegod: ${report.reason}`).toBe(lines[0]);
    // One decomposition and the default two repairs, then no agent was ever asked.
    expect(llm.requests.map((r) => r.phase)).toEqual(['decompose', 'repair', 'repair']);
  });
});
