#!/usr/bin/env node
// The README's main job: "Flask not found" repaired by the real codegod CLI, orchestrator,
// agents and pip. This machine has no LLM weights, so the scripted OpenAI-compatible server
// answers with examples/flask-not-found.rules.json; point --llm-url at vLLM for a real model.
// Success is proven, not assumed: the task's acceptance checks and the run's --check (the
// import of flask, as the user would test it) must pass; the demo prints each one.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const need = [
  'packages/cli/dist/bin.js',
  'packages/llm/dist/testing/index.js',
  'packages/actions/dist/fixtures/index.js',
];
if (need.some((file) => !existsSync(join(root, file)))) {
  console.error('demo: build first: npm run build');
  process.exit(2);
}
const { makeFlaskAppFixture } = await import(join(root, 'packages/actions/dist/fixtures/index.js'));
const { loadRulesFile, startScriptedLlmServer } = await import(
  join(root, 'packages/llm/dist/testing/index.js')
);

const dir = resolve(process.argv[2] ?? join(root, '.state', 'demo'));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
console.error(
  `demo: making the "Flask not found" project in ${dir}/workspace (python3 -m venv, a local flask wheel)`,
);
const fixture = await makeFlaskAppFixture(dir);
const rules = await loadRulesFile(join(root, 'examples', 'flask-not-found.rules.json'));
const server = await startScriptedLlmServer({ rules });
console.error(`demo: scripted LLM server at ${server.url} (stands in for vLLM)`);

const before = spawnQuiet(join(fixture.workspace, 'venv', 'bin', 'python'), ['-c', 'import flask']);
console.error(`demo: before: import flask -> ${before ? 'ok' : 'ModuleNotFoundError'}\n`);

// The user's own proof of done: a shell command line, run in the same sandbox as the agents.
const RUN_CHECK = "venv/bin/python -c 'import flask'";
let report;
const code = await new Promise((done) => {
  const child = spawn(
    process.execPath,
    [
      join(root, 'packages/cli/dist/bin.js'),
      'build',
      'Flask not found',
      '--workspace',
      fixture.workspace,
      '--llm-url',
      server.url,
      '--model',
      'scripted-model',
      '--check',
      RUN_CHECK,
      '--json',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...fixture.pipEnv, REDIS_URL: '' },
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.on('exit', (exitCode) => {
    report = stdout.trim() ? JSON.parse(stdout) : undefined;
    done(exitCode ?? 1);
  });
});
await server.close();
if (report) {
  console.error('\ndemo: how the run proved it is done:');
  for (const task of report.tasks) {
    for (const check of task.validation?.checks ?? []) printCheck(`task ${task.id}`, check);
    if (task.proof === 'unverified') console.error(`  task ${task.id}: unverified (no checks)`);
  }
  for (const check of report.proof.run_checks) printCheck('run --check', check);
  console.error(`  => ${report.state}: ${report.proof.summary}`);
}
const after = spawnQuiet(join(fixture.workspace, 'venv', 'bin', 'python'), ['-c', 'import flask']);
console.error(`\ndemo: after: import flask -> ${after ? 'ok' : 'ModuleNotFoundError'}`);
process.exit(code === 0 && after ? 0 : 1);

function printCheck(owner, check) {
  const verdict = check.passed ? 'passed' : 'FAILED';
  console.error(`  ${owner}: ${verdict}: ${check.ran} (${check.reason})`);
}

function spawnQuiet(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
