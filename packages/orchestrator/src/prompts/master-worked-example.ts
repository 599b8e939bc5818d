import { toLlmCheck } from '../llm-checks.js';

/**
 * One example decomposition, survey to graph, in the stable prefix: small local models copy
 * the shape of an example far better than they follow a description of it.
 */
const EXAMPLE_GRAPH = {
  tasks: [
    {
      id: 'install-deps',
      description: 'Install the packages of requirements.txt (flask) into the existing venv/.',
      role: 'backend',
      depends_on: [],
      acceptance: [
        toLlmCheck({ type: 'command', argv: ['venv/bin/python', '-c', 'import flask'] }),
      ],
    },
    {
      id: 'run-tests',
      description: 'Run the test suite with the venv interpreter and report what fails.',
      role: 'testing',
      depends_on: ['install-deps'],
      acceptance: [
        toLlmCheck({
          type: 'command',
          argv: ['venv/bin/python', '-m', 'pytest', '-q'],
          stdout_regex: 'passed',
        }),
      ],
    },
  ],
  run_checks: [toLlmCheck({ type: 'command', argv: ['venv/bin/python', '-c', 'import app'] })],
};

/** The master's worked example: a survey excerpt, a problem, and the graph that answers it. */
export const MASTER_WORKED_EXAMPLE = `Example.
Workspace survey (excerpt):
Findings:
- flask (requirements.txt) is not installed in venv/
- backend observer: flask is listed in requirements.txt but not installed in the venv
Frameworks: flask
Test commands: venv/bin/python -m pytest
Virtual environments: venv/
Files: app.py, requirements.txt, tests/, venv/
Problem: ModuleNotFoundError: No module named 'flask'
Task graph:
${JSON.stringify(EXAMPLE_GRAPH)}
The venv exists, so no task creates one; the install is proven by importing flask, the tests by pytest, and the whole problem by importing the app.`;
