import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFlaskAppFixture } from '@codegod/actions/fixtures';
import { decompositionReply, installRequirements, taskRules } from '@codegod/agents/testing';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { freePort } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLASK_IMPORT_CHECK } from '../e2e/support/flask-not-found-rules.js';
import { ROOT } from './compose-config.js';

// Issue 16: every command of the README's fleet section, run exactly as written, one after the
// other in one shell from the repository root, on the local runtime (pm2), with the scripted
// OpenAI-compatible server in place of vLLM and pip pointed at a locally built flask wheel.
// The README's lines use the default state dir, so this test owns `<repo>/.state/env`.

const STATE = join(ROOT, '.state');
const MYAPP = join(STATE, 'workspace', 'myapp');
/**
 * The fleet Redis's data, kept from one `up` to the next: moved aside for the test, so the
 * counters it reads start at 0 in a checkout where a fleet ran before, and put back after.
 */
const FLEET_REDIS = join(STATE, 'redis');
const FLEET_REDIS_ASIDE = join(STATE, 'redis.before-readme-test');
const scratch = mkdtempSync(join(tmpdir(), 'codegod-readme-fleet-'));
let llm: ScriptedLlmServer;
let env: NodeJS.ProcessEnv;

/** The lines of the README's first sh block under "## The fleet", comments kept. */
function readmeFleetBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The fleet\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no sh block under "## The fleet"');
  return block;
}

function bash(script: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

beforeAll(async () => {
  if (existsSync(join(STATE, 'env'))) {
    throw new Error(
      `${STATE}/env exists: a fleet of this checkout is up. Run ./start-agents.sh down first; this test runs the README's lines, which use that state dir.`,
    );
  }
  if (existsSync(FLEET_REDIS_ASIDE)) {
    throw new Error(
      `${FLEET_REDIS_ASIDE} exists: an earlier run of this test stopped before putting the fleet's Redis data back; move it back to ${FLEET_REDIS} or remove it.`,
    );
  }
  if (existsSync(FLEET_REDIS)) renameSync(FLEET_REDIS, FLEET_REDIS_ASIDE);
  rmSync(MYAPP, { recursive: true, force: true });
  const wheels = await makeFlaskAppFixture(scratch);
  llm = await startScriptedLlmServer({
    rules: [
      {
        match: { role: 'master', phase: 'decompose' },
        reply: decompositionReply([
          {
            id: 'fix-flask',
            description: 'Create the venv and install the missing Flask into it',
            role: 'backend',
            depends_on: [],
            acceptance: [FLASK_IMPORT_CHECK],
          },
        ]),
      },
      ...taskRules('backend', 'fix-flask', [
        { action: 'create_venv', target: 'venv', args: { path: 'venv' } },
        installRequirements,
      ]),
    ],
  });
  const { REDIS_URL: _ignored, WORKSPACE_ROOT: _default, ...rest } = process.env;
  env = {
    ...rest,
    ...wheels.pipEnv,
    CODEGOD_RUNTIME: 'local',
    CODEGOD_REDIS_PORT: String(await freePort()),
    BULL_BOARD_PORT: String(await freePort()),
    REDIS_COMMANDER_PORT: String(await freePort()),
    VLLM_API_URL: llm.url,
    LLM_MODEL: 'scripted-model',
  };
}, 120_000);

afterAll(async () => {
  // A no-op when the block's own `down` ran; the clean-up when the test stopped before it.
  if (existsSync(join(STATE, 'env'))) await bash('./start-agents.sh down');
  await llm?.close();
  if (existsSync(FLEET_REDIS_ASIDE)) {
    rmSync(FLEET_REDIS, { recursive: true, force: true });
    renameSync(FLEET_REDIS_ASIDE, FLEET_REDIS);
  }
  rmSync(MYAPP, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe("the README's fleet section", () => {
  it('runs as written: up, an example project, a build on the fleet, counters, status, scale, logs, wipe, down', async () => {
    const block = readmeFleetBlock();
    expect(block).toContain('./start-agents.sh up');
    const { status, output } = await bash(block);
    expect(status, output).toBe(0);
    expect(output).toContain('fleet is up (local runtime');
    // The build on the fleet repaired the example: the agents made the venv and installed flask.
    expect(output).toMatch(/succeeded: verified by \d+ check/);
    expect(existsSync(join(MYAPP, 'venv', 'bin', 'python'))).toBe(true);
    // redis-cli printed the live counters, status the agents, scale the replicas.
    expect(output).toMatch(/^completed\n1$/m);
    expect(output).toMatch(/backend-agent-1\s+backend/);
    expect(output).toContain('backend-agent runs 3 replica(s)');
    expect(output).toMatch(/wiped \d+ agents/);
    expect(output).toContain('fleet is down (local runtime)');
    expect(existsSync(join(STATE, 'env'))).toBe(false);
  }, 900_000);
});
