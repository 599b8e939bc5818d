import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSecretsFixture, type SecretsFixture } from '@codegod/actions/fixtures';
import { decompositionReply, planReply, taskRules } from '@codegod/agents/testing';
import {
  type RecordedRequest,
  type ScriptedLlmServer,
  type ScriptedRule,
  startScriptedLlmServer,
} from '@codegod/llm/testing';
import { tempDir } from '@codegod/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES, FAST_FLEET_ENV, startLocalFleet } from './local-fleet.js';
import { recordFault } from './reliability-summary.js';

// Workspace secrets (a .env, a .env.local, an OpenSSH private key) that no process has in its
// environment, read by hostile-enough plans in every way an agent can: read_file, python
// printing them (whole and in part), a failing command quoting one (its output goes into the
// next prompt and the master's replan prompt), and a test suite whose output prints them (the
// testing observer and validator). None may reach an LLM request, the report, the events, agent
// memory, anything in Redis, the services' logs or the CLI's stdout/stderr.
// Run `npx tsc -b` first: the CLI and services run dist/*.js.

const PRINT_ENV = "print(open('.env').read())";
/** The key's body lines as a Python list: key material without its BEGIN/END lines. */
const PRINT_KEY_LINES = "print(open('deploy/id_ed25519').read().splitlines()[1:-1])";
const FAIL_WITH_ENV_LOCAL = "raise SystemExit(open('.env.local').read())";

/** A unittest suite that prints the secrets and fails quoting one: the testing role runs it. */
const TEST_FILE = `import unittest


class ConfigTest(unittest.TestCase):
    def test_config(self):
        print(open('.env').read())
        print(open('deploy/id_ed25519').read())
        self.fail(open('.env.local').read())
`;

/** Decompose into a backend task that reads the secrets and a testing task whose tests print them. */
function secretRules(): ScriptedRule[] {
  return [
    {
      match: { phase: 'decompose' },
      reply: decompositionReply([
        {
          id: 'peek',
          description: 'look at the config',
          role: 'backend',
          depends_on: [],
          acceptance: [{ type: 'file', path: '.env' }],
        },
        {
          id: 'tests',
          description: 'run the config tests',
          role: 'testing',
          depends_on: [],
          // Fails, printing the secrets: check output must be redacted like action output.
          acceptance: [{ type: 'command', argv: ['python3', '-m', 'unittest', 'test_config'] }],
        },
      ]),
    },
    ...taskRules('backend', 'peek', [
      { action: 'read_file', args: { path: '.env' } },
      { action: 'read_file', args: { path: '.env.local' } },
      { action: 'read_file', args: { path: 'deploy/id_ed25519' } },
      { action: 'run_command', args: { command: 'python3', args: ['-c', PRINT_ENV] } },
      { action: 'run_command', args: { command: 'python3', args: ['-c', PRINT_KEY_LINES] } },
    ]),
    {
      match: { role: 'testing', phase: 'plan' },
      reply: planReply([
        { action: 'run_command', args: { command: 'python3', args: ['-c', FAIL_WITH_ENV_LOCAL] } },
      ]),
    },
    {
      match: { phase: 'replan' },
      reply: { analysis: 'scripted master gives up', give_up: true, tasks: [] },
    },
  ];
}

/** The secrets workspace with a pip-less venv (the backend validator wants one) and the tests. */
async function secretsWorkspace(root: string): Promise<SecretsFixture> {
  const fixture = await makeSecretsFixture(root);
  await writeFile(join(fixture.workspace, 'test_config.py'), TEST_FILE);
  await new Promise<void>((done, fail) => {
    const child = spawn('python3', ['-m', 'venv', '--without-pip', 'venv'], {
      cwd: fixture.workspace,
      stdio: 'ignore',
    });
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`venv: ${code}`))));
  });
  return fixture;
}

/** Which secrets appear in which place, as `NAME in place`. */
function leaks(secrets: Record<string, string>, places: Record<string, string>): string[] {
  return Object.entries(places).flatMap(([place, text]) =>
    Object.entries(secrets)
      .filter(([, value]) => text.includes(value))
      .map(([name]) => `${name} in ${place}`),
  );
}

/** Everything Redis holds under `codegod*` (run state, events, results, jobs, memory), as text. */
async function redisDump(client: Redis): Promise<string> {
  const parts: string[] = [];
  for (const key of await client.keys('codegod*')) {
    const type = await client.type(key);
    if (type === 'string') parts.push(`${key} ${await client.get(key)}`);
    else if (type === 'hash') parts.push(`${key} ${JSON.stringify(await client.hgetall(key))}`);
    else if (type === 'list') parts.push(`${key} ${(await client.lrange(key, 0, -1)).join('\n')}`);
    else if (type === 'set') parts.push(`${key} ${(await client.smembers(key)).join('\n')}`);
    else if (type === 'zset') parts.push(`${key} ${(await client.zrange(key, 0, -1)).join('\n')}`);
    else if (type === 'stream')
      parts.push(`${key} ${JSON.stringify(await client.xrange(key, '-', '+'))}`);
  }
  return parts.join('\n');
}

/** The checks that make a "no leaks" verdict mean something: every read really happened. */
function expectTheSecretsWereRead(report: string, requests: RecordedRequest[]): void {
  const prompts = JSON.stringify(requests);
  // read_file and python printed the .env: plain config shows, secrets are replaced.
  expect(report).toContain('PORT=3000');
  expect(report).toContain('export STRIPE_KEY=[redacted]');
  expect(report).toContain('LOCAL_TOKEN=[redacted]');
  // The unittest output (validation) and the failing command reached the prompts, redacted.
  expect(prompts).toContain('ConfigTest');
  expect(prompts).toContain('LOCAL_TOKEN=[redacted]');
  // The master's replan prompt quoted the failed task: redacted too.
  const replan = JSON.stringify(requests.filter((request) => request.phase === 'replan'));
  expect(replan).toContain('LOCAL_TOKEN=[redacted]');
}

describe('workspace secrets never leave the workspace', () => {
  describe('embedded: one codegod build process', () => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    let llm: ScriptedLlmServer;
    beforeAll(async () => {
      dir = await tempDir('codegod-secrets-embedded-');
      llm = await startScriptedLlmServer({ rules: secretRules() });
    });
    afterAll(async () => {
      await llm?.close();
      await dir?.remove();
    });

    it('not in LLM requests, the report (printed and on disk), stdout or stderr', async () => {
      const fixture = await secretsWorkspace(dir.path);
      // No REDIS_URL: the CLI runs the master and the workers in its own process.
      const env = { ...FAST_FLEET_ENV, VLLM_API_URL: llm.url };
      const child = spawn(
        process.execPath,
        [ENTRIES.cli, 'build', 'check the config', '--workspace', fixture.workspace, '--json'],
        {
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      const report = JSON.parse(stdout) as { run_id: string; state: string };
      const onDisk = await readFile(
        join(fixture.workspace, '.codegod', `${report.run_id}.json`),
        'utf8',
      );
      const prompts = JSON.stringify(llm.requests);
      const found = leaks(fixture.secrets, {
        'LLM requests': prompts,
        'report on stdout': stdout,
        'report on disk': onDisk,
        'CLI stderr (progress, summary)': stderr,
      });
      recordFault({
        fault:
          'embedded build: a workspace .env, .env.local and OpenSSH key (in no env) read by read_file, python, tests',
        behaviour: 'values and key material replaced by [redacted] before any prompt or output',
        bound: 'workspace redactor (.env* values, key files by header, token shapes)',
        outcome: `leaks: ${found.length === 0 ? 'none' : found.join(', ')}; run ${report.state}`,
      });
      expect(code, stderr).toBe(1);
      expect(report.state).toBe('failed');
      expectTheSecretsWereRead(onDisk, llm.requests);
      expect(found).toEqual([]);
    }, 180_000);
  });

  it('distributed: not in LLM requests, the report, events, memory, Redis, logs or CLI output', async () => {
    const fleet = await startLocalFleet({ rules: secretRules(), env: { LOG_LEVEL: 'debug' } });
    try {
      const fixture = await secretsWorkspace(fleet.dir);
      const master = await fleet.startMaster();
      await Promise.all([
        master.ready,
        fleet.startWorker('backend').ready,
        fleet.startWorker('testing').ready,
      ]);
      const result = await fleet.build('check the config', fixture.workspace);
      const runId = result.report?.run_id ?? '';
      const events = JSON.stringify(await fleet.events(runId));
      const memoryKeys = await fleet.client.keys('codegod:memory:*');
      const memory = JSON.stringify(
        await Promise.all(memoryKeys.map((key) => fleet.client.hgetall(key))),
      );
      const prompts = JSON.stringify(fleet.llm.requests);
      const found = leaks(fixture.secrets, {
        'LLM requests': prompts,
        'CLI stdout (report)': result.stdout,
        'CLI stderr': result.stderr,
        events,
        'agent memory': memory,
        'anything in Redis': await redisDump(fleet.client),
        'service logs': fleet.logs(),
      });
      recordFault({
        fault:
          'fleet build: the same workspace secrets, read by backend and testing workers on the local fleet',
        behaviour: 'redacted by the agents (events, memory, results, prompts) and the master',
        bound: 'workspace redactor at every agent and master boundary',
        outcome: `leaks: ${found.length === 0 ? 'none' : found.join(', ')}; run ${result.report?.state}`,
      });
      expect(result.report, result.stderr).toBeDefined();
      expect(memoryKeys.length).toBeGreaterThanOrEqual(2);
      expect(memory).toContain('[redacted]');
      expectTheSecretsWereRead(events, fleet.llm.requests);
      expect(found).toEqual([]);
    } finally {
      await fleet.stop();
    }
  }, 240_000);
});
