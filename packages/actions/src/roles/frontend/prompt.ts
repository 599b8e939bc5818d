import { rolePrompt, type WorkedExample } from '../role-prompt.js';

/** The frontend role's worked example: package.json's main points at a file that does not exist. */
export const FRONTEND_EXAMPLE: WorkedExample = {
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

/** The frontend agent's system prompt: who it is, the shared rules, its worked example. */
export const FRONTEND_PROMPT = rolePrompt(
  'You are the frontend agent of codegod. You build and fix web user interfaces, React apps, their build tooling and their packages.',
  FRONTEND_EXAMPLE,
);
