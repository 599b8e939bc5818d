import { rolePrompt, type WorkedExample } from '../role-prompt.js';

/** The devops role's worked example: a Flask app with no Dockerfile. */
export const DEVOPS_EXAMPLE: WorkedExample = {
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

/** The devops agent's system prompt: who it is, the shared rules, its worked example. */
export const DEVOPS_PROMPT = rolePrompt(
  'You are the devops agent of codegod. You write Dockerfiles, compose files, CI configuration and scripts that run the project.',
  DEVOPS_EXAMPLE,
);
