import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type FlaskAppFixture,
  makeFlaskAppFixture,
  makeNodeMainFixture,
} from '@codegod/actions/testing';
import { installRequirements, taskRules } from '@codegod/agents/testing';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { type RunReport, runReportSchema, type TaskReport } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses, childEnvironment, ROOT, runCodegod } from './support/child-processes.js';

const run = promisify(execFile);
const EXAMPLE_PLAN = join(ROOT, 'examples', 'flask-react.plan.json');
const WAVES = [
  ['backend-setup', 'frontend-setup'],
  ['backend-api', 'frontend-ui'],
  ['containerize', 'integration-tests'],
] as const;
// Each plan reply takes this long, so the two tasks of a wave are visibly in flight together.
const PLAN_LATENCY_MS = 1500;

const NODE_TEST = `const test = require('node:test');
const assert = require('node:assert');
const app = require('../src/index.js');

test('the app loads its greeting dependency', () => {
  assert.strictEqual(app.dependency('codegod'), 'hello codegod');
});
`;

const DOCKERFILE = `FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY app.py ./
COPY api.py ./
COPY package.json ./
CMD ["python", "app.py"]
`;

const COMPOSE = `services:
  app:
    build: .
    ports:
      - "5000:5000"
`;

/**
 * The example plan with each wave depending on the whole previous wave. The example itself
 * chains backend and frontend separately, so the scheduler rightly starts frontend-ui as soon
 * as frontend-setup is done; strict waves make "wave k+1 after all of wave k" a property to test.
 */
async function strictWavePlan(file: string): Promise<void> {
  const example = JSON.parse(await readFile(EXAMPLE_PLAN, 'utf8')) as {
    tasks: { id: string; depends_on: string[] }[];
  };
  const waveOf = (id: string) =>
    WAVES.findIndex((wave) => (wave as readonly string[]).includes(id));
  const tasks = example.tasks.map((task) => {
    const k = waveOf(task.id);
    expect(k, `${task.id} is in a wave`).toBeGreaterThanOrEqual(0);
    // Every dependency of the example is kept: it lies in the previous wave.
    expect(task.depends_on.every((d) => waveOf(d) === k - 1)).toBe(true);
    return { ...task, depends_on: k > 0 ? [...(WAVES[k - 1] ?? [])] : [] };
  });
  await writeFile(file, JSON.stringify({ tasks }, null, 2));
}

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
    const timed = { planLatencyMs: PLAN_LATENCY_MS };
    llm = await startScriptedLlmServer({
      rules: [
        ...taskRules('backend', 'backend-setup', [installRequirements], timed),
        ...taskRules(
          'frontend',
          'frontend-setup',
          [
            { action: 'update_package_json', args: { main: 'src/index.js' } },
            { action: 'npm_install', args: {} },
          ],
          timed,
        ),
        ...taskRules(
          'backend',
          'backend-api',
          [
            {
              action: 'write_file',
              args: {
                path: 'api.py',
                content:
                  'from app import app\n\n\n@app.route("/api/hello")\ndef api_hello():\n    return {"message": "hello"}\n',
              },
            },
            installRequirements,
          ],
          timed,
        ),
        ...taskRules(
          'frontend',
          'frontend-ui',
          [
            {
              action: 'write_file',
              args: {
                path: 'src/ui.js',
                content:
                  "const greet = require('greeting');\n\nmodule.exports = () => '<h1>' + greet('world') + '</h1>';\n",
              },
            },
            { action: 'check_entry_point', args: {} },
          ],
          timed,
        ),
        ...taskRules(
          'devops',
          'containerize',
          [
            { action: 'create_dockerfile', args: { content: DOCKERFILE } },
            { action: 'write_file', args: { path: 'docker-compose.yml', content: COMPOSE } },
          ],
          timed,
        ),
        ...taskRules(
          'testing',
          'integration-tests',
          [
            { action: 'write_file', args: { path: 'tests/app.test.js', content: NODE_TEST } },
            { action: 'run_tests', args: {} },
          ],
          timed,
        ),
      ],
    });
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
