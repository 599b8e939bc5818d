import { describe, expect, it } from 'vitest';
import {
  agentMemorySchema,
  emptyAgentMemory,
  observationSchema,
  planSchema,
  reasoningSchema,
  resultSchema,
} from './records.js';
import { taskGraphSchema } from './task.js';

// The seed's "Flask not found" example, field for field.
const observation = {
  python_version: '3.11.7',
  venv_exists: true,
  installed_packages: ['pip', 'setuptools'],
  requirements: ['flask==3.0.0'],
  error_log: "ModuleNotFoundError: No module named 'flask'",
  findings: [
    'flask is listed in requirements.txt but not installed in the venv',
    'the app fails at import time',
  ],
};
const reasoning = {
  problem_analysis: 'The app imports flask, which is not installed in the virtual environment.',
  root_causes: ['requirements.txt was never installed into venv'],
  approach: 'Install the requirements into the venv, then import flask to confirm.',
  risks: ['the package index may be unreachable'],
  success_criteria: ['python -c "import flask" exits 0 in the venv'],
  conclusion: 'Install flask from requirements.txt into the existing venv.',
};
const plan = {
  steps: [
    {
      action: 'install_dependency',
      target: 'venv',
      method: 'pip install -r requirements.txt',
      expected: 'flask importable',
      args: { requirements_file: 'requirements.txt' },
    },
    {
      action: 'run_command',
      target: 'venv',
      method: 'python -c "import flask"',
      expected: 'exit code 0',
      args: { command: 'venv/bin/python', args: ['-c', 'import flask'] },
    },
  ],
  estimated_duration: '2 minutes',
  confidence: 0.9,
};
const result = {
  success: true,
  output: 'flask installed and importable',
  reasoning,
  actions_taken: [
    {
      step: 1,
      action: 'install_dependency',
      success: true,
      output: 'Successfully installed flask-3.0.0',
    },
    { step: 2, action: 'run_command', success: true, output: '' },
  ],
  validation: {
    valid: true,
    output: 'python -c "import flask": exit 0',
    checks: [
      {
        check: { type: 'command', argv: ['venv/bin/python', '-c', 'import flask'] },
        ran: "venv/bin/python -c 'import flask'",
        passed: true,
        exit_code: 0,
        reason: 'exit 0',
        output: '',
        duration_ms: 41,
      },
    ],
  },
};
const memory = {
  agent_role: 'backend',
  current_task: {
    id: 'fix-flask',
    description: 'Flask not found',
    role: 'backend',
    depends_on: [],
  },
  completed_tasks: ['setup-venv'],
  knowledge: { python: '3.11.7', package_index: 'offline' },
  observations: [observation],
  reasoning_history: [reasoning],
  blocked_on: null,
};
const flaskReactGraph = {
  tasks: [
    {
      id: 'backend-setup',
      description: 'Create the Flask app and venv',
      role: 'backend',
      depends_on: [],
    },
    { id: 'frontend-setup', description: 'Create the React app', role: 'frontend', depends_on: [] },
    {
      id: 'backend-api',
      description: 'Add the API routes',
      role: 'backend',
      depends_on: ['backend-setup'],
      acceptance: [
        { type: 'file', path: 'app.py', content_regex: '/api/' },
        { type: 'http', service: ['venv/bin/python', 'app.py'], port: 5000, path: '/api/health' },
      ],
    },
    {
      id: 'frontend-ui',
      description: 'Build the UI',
      role: 'frontend',
      depends_on: ['frontend-setup'],
    },
    {
      id: 'dockerize',
      description: 'Write the Dockerfile and compose file',
      role: 'devops',
      depends_on: ['backend-api', 'frontend-ui'],
    },
    {
      id: 'e2e-tests',
      description: 'Test the app end to end',
      role: 'testing',
      depends_on: ['backend-api', 'frontend-ui'],
    },
  ],
};

describe('seed records', () => {
  it.each([
    ['observation', observationSchema, observation],
    ['reasoning', reasoningSchema, reasoning],
    ['plan', planSchema, plan],
    ['result', resultSchema, result],
    ['memory', agentMemorySchema, memory],
    ['task graph', taskGraphSchema, flaskReactGraph],
  ] as const)('round-trips the %s unchanged', (_name, schema, example) => {
    const parsed = schema.parse(JSON.parse(JSON.stringify(example)));
    expect(parsed).toStrictEqual(example);
  });

  it('rejects records with a field renamed', () => {
    const { root_causes, ...rest } = reasoning;
    expect(reasoningSchema.safeParse({ ...rest, rootCauses: root_causes }).success).toBe(false);
    expect(
      resultSchema.safeParse({ ...result, actionsTaken: [], actions_taken: undefined }).success,
    ).toBe(false);
    expect(planSchema.safeParse({ ...plan, confidence: 3 }).success).toBe(false);
  });

  it('starts a memory empty but for the role', () => {
    expect(agentMemorySchema.parse(emptyAgentMemory('testing'))).toEqual({
      agent_role: 'testing',
      current_task: null,
      completed_tasks: [],
      knowledge: {},
      observations: [],
      reasoning_history: [],
      blocked_on: null,
    });
  });
});
