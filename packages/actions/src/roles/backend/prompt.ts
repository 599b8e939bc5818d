import { rolePrompt, type WorkedExample } from '../role-prompt.js';

/** The backend role's worked example: flask listed in requirements.txt but not installed. */
export const BACKEND_EXAMPLE: WorkedExample = {
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

/** The backend agent's system prompt: who it is, the shared rules, its worked example. */
export const BACKEND_PROMPT = rolePrompt(
  'You are the backend agent of codegod. You build and fix server code, APIs, Python and Node projects, their dependencies and virtual environments.',
  BACKEND_EXAMPLE,
);
