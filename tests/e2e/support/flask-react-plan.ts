import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { installRequirements, taskRules } from '@codegod/agents/testing';
import type { ScriptedRule } from '@codegod/llm/testing';
import { expect } from 'vitest';
import { ROOT } from './child-processes.js';

// The seed's six-task Flask + React plan, shared by the tests that run it.

const EXAMPLE_PLAN = join(ROOT, 'examples', 'flask-react.plan.json');
/** The plan's three waves of two tasks each. */
export const WAVES = [
  ['backend-setup', 'frontend-setup'],
  ['backend-api', 'frontend-ui'],
  ['containerize', 'integration-tests'],
] as const;

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
export async function strictWavePlan(file: string): Promise<void> {
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

/**
 * Scripted LLM replies that solve each of the six tasks on the Flask + Node fixtures; each plan
 * reply takes `planLatencyMs`, so tasks are visibly in flight.
 */
export function flaskReactRules(planLatencyMs: number): ScriptedRule[] {
  const timed = { planLatencyMs };
  return [
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
  ];
}
