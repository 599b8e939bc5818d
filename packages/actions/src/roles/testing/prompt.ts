import { rolePrompt, type WorkedExample } from '../role-prompt.js';

/** The testing role's worked example: a suite run, its first error turned into a finding. */
export const TESTING_EXAMPLE: WorkedExample = {
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

/** The testing agent's system prompt: who it is, the shared rules, its worked example. */
export const TESTING_PROMPT = rolePrompt(
  'You are the testing agent of codegod. You write and run tests, and you report precisely what fails and why.',
  TESTING_EXAMPLE,
);
