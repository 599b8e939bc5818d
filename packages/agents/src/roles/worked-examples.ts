import type { Observation, Plan, Reasoning, Result, Task, WorkerRole } from '@codegod/protocol';

/** One iteration done well, in the seed's records: what the model is shown to imitate. */
export interface WorkedExample {
  task: Pick<Task, 'description'>;
  observation: Observation;
  reasoning: Reasoning;
  plan: Plan;
  result: Pick<Result, 'success' | 'output' | 'actions_taken' | 'validation'>;
}

const flaskNotFound: WorkedExample = {
  task: { description: 'Flask not found: make app.py start' },
  observation: {
    error_log: "ModuleNotFoundError: No module named 'flask'",
    python_version: '3.11.4',
    venv_exists: true,
    venv_path: 'venv',
    installed_packages: ['pip==23.2.1'],
    requirements: ['flask==3.0.0'],
    missing_requirements: ['flask'],
    findings: ['flask is listed in requirements.txt but not installed in the venv'],
  },
  reasoning: {
    problem_analysis: 'app.py imports flask, which requirements.txt lists but the venv lacks.',
    root_causes: ['requirements.txt was never installed into venv/'],
    approach: 'Install requirements.txt into the existing venv, then prove flask imports.',
    risks: ['a pinned version may be unavailable'],
    success_criteria: ["venv/bin/python -c 'import flask' exits 0"],
    conclusion: 'Install the requirements into venv/; no new venv is needed.',
  },
  plan: {
    steps: [
      {
        action: 'install_dependency',
        target: 'requirements.txt',
        method: 'pip install -r into venv/',
        expected: 'flask 3.0.0 installed',
        args: { requirements_file: 'requirements.txt', venv: 'venv' },
      },
      {
        action: 'run_command',
        target: 'flask import',
        method: 'import it with the venv interpreter',
        expected: 'exit 0',
        args: { command: 'venv/bin/python', args: ['-c', 'import flask'] },
      },
    ],
    estimated_duration: '1 minute',
    confidence: 0.9,
  },
  result: {
    success: true,
    output: 'validated after 1 iteration(s)',
    actions_taken: [
      {
        step: 1,
        action: 'install_dependency',
        success: true,
        output: 'Successfully installed flask-3.0.0',
      },
      { step: 2, action: 'run_command', success: true, output: 'exit 0' },
    ],
    validation: { valid: true, output: "venv/bin/python -c 'import flask' -> exit 0", checks: [] },
  },
};

const missingEntryPoint: WorkedExample = {
  task: { description: 'npm start fails: Cannot find module index.js' },
  observation: {
    node_version: 'v20.19.0',
    entry_point: 'index.js',
    entry_point_exists: false,
    scripts: { start: 'node index.js' },
    node_modules_exists: true,
    missing_dependencies: [],
    findings: ['package.json main points at index.js, which does not exist'],
  },
  reasoning: {
    problem_analysis:
      'package.json names index.js as its entry point, but the code is in src/main.js.',
    root_causes: ['main and the start script point at a file that does not exist'],
    approach: 'Point main and the start script at src/main.js, then check the entry point loads.',
    risks: ['src/main.js may itself fail to load'],
    success_criteria: ['check_entry_point succeeds'],
    conclusion: 'Fix package.json rather than move the code.',
  },
  plan: {
    steps: [
      {
        action: 'update_package_json',
        target: 'package.json',
        method: 'set main and scripts.start',
        expected: 'main is src/main.js',
        args: { main: 'src/main.js', scripts: { start: 'node src/main.js' } },
      },
      {
        action: 'check_entry_point',
        target: 'src/main.js',
        method: 'load the entry point with node',
        expected: 'it loads',
        args: {},
      },
    ],
    estimated_duration: '1 minute',
    confidence: 0.85,
  },
  result: {
    success: true,
    output: 'validated after 1 iteration(s)',
    actions_taken: [
      { step: 1, action: 'update_package_json', success: true, output: 'package.json updated' },
      { step: 2, action: 'check_entry_point', success: true, output: 'src/main.js loads' },
    ],
    validation: { valid: true, output: 'node -e require("./src/main.js") -> exit 0', checks: [] },
  },
};

const missingDockerfile: WorkedExample = {
  task: { description: 'Containerise the Flask app in app.py' },
  observation: {
    dockerfile_exists: false,
    base_image: null,
    compose_file: null,
    env_file_exists: false,
    findings: ['no Dockerfile in the workspace', 'no compose file in the workspace'],
  },
  reasoning: {
    problem_analysis: 'There is no Dockerfile; the app is app.py with requirements.txt.',
    root_causes: ['the project was never containerised'],
    approach:
      'Write a Dockerfile from python:3.11-slim that installs requirements.txt and runs app.py.',
    risks: ['no Docker engine to build with: the Dockerfile must still be correct'],
    success_criteria: ['Dockerfile starts with FROM and runs app.py'],
    conclusion: 'Write one small Dockerfile.',
  },
  plan: {
    steps: [
      {
        action: 'create_dockerfile',
        target: 'Dockerfile',
        method: 'generate from fields',
        expected: 'a Dockerfile that runs app.py',
        args: {
          base_image: 'python:3.11-slim',
          copy: [{ source: '.', target: '/app' }],
          run: ['pip install --no-cache-dir -r requirements.txt'],
          expose: [5000],
          cmd: ['python', 'app.py'],
        },
      },
    ],
    estimated_duration: '1 minute',
    confidence: 0.85,
  },
  result: {
    success: true,
    output: 'validated after 1 iteration(s)',
    actions_taken: [
      { step: 1, action: 'create_dockerfile', success: true, output: 'wrote Dockerfile' },
    ],
    validation: { valid: true, output: 'Dockerfile: FROM python:3.11-slim', checks: [] },
  },
};

const failingTest: WorkedExample = {
  task: { description: 'Run the test suite and report the failures' },
  observation: {
    test_command: 'venv/bin/python -m pytest',
    framework: 'pytest',
    last_results: null,
    findings: [],
  },
  reasoning: {
    problem_analysis: 'The suite has not run yet; its failures are unknown.',
    root_causes: ['unknown until the suite runs'],
    approach: 'Run the suite, then turn the first error into a finding.',
    risks: ['a collection error hides the other tests'],
    success_criteria: ['the suite ran and every failure is named with its cause'],
    conclusion: 'Run, then debug the first error.',
  },
  plan: {
    steps: [
      {
        action: 'run_tests',
        target: 'tests/',
        method: 'the detected test command',
        expected: 'counts of passed and failed tests',
        args: {},
      },
      {
        action: 'debug_error',
        target: 'the last test run',
        method: 'parse its first error',
        expected: 'a finding such as a missing module',
        args: {},
      },
    ],
    estimated_duration: '2 minutes',
    confidence: 0.8,
  },
  result: {
    success: false,
    output: '1 failed: tests/test_app.py: ModuleNotFoundError: requests',
    actions_taken: [
      { step: 1, action: 'run_tests', success: false, output: '3 passed, 1 failed' },
      { step: 2, action: 'debug_error', success: true, output: 'missing module: requests' },
    ],
    validation: { valid: false, output: '3 passed, 1 failed', checks: [] },
  },
};

/** Each role's worked example: its own kind of problem, with its own actions. */
export const WORKED_EXAMPLES: Readonly<Record<WorkerRole, WorkedExample>> = {
  backend: flaskNotFound,
  frontend: missingEntryPoint,
  devops: missingDockerfile,
  testing: failingTest,
};

/** A worked example as prompt text: one record per line, in the order of the loop. */
export function describeWorkedExample(example: WorkedExample): string {
  return [
    'Worked example (one iteration, in the records you read and write; your task will differ):',
    `Task: ${example.task.description}`,
    `Observation: ${JSON.stringify(example.observation)}`,
    `Reasoning: ${JSON.stringify(example.reasoning)}`,
    `Plan: ${JSON.stringify(example.plan)}`,
    `Result: ${JSON.stringify(example.result)}`,
  ].join('\n');
}
