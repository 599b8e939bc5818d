import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFlaskAppFixture } from '@codegod/actions/fixtures';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { freePort, isProcessRunning, waitFor } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flaskNotFoundRules } from '../e2e/support/flask-not-found-rules.js';
import { ROOT } from './compose-config.js';

// The acceptance run, with the real services under pm2: up, a `codegod build` on the
// fleet (scripted LLM server in place of vLLM), scale, status, wipe, logs and down.
const stateDir = mkdtempSync(join(tmpdir(), 'codegod-real-fleet-'));
const workspaceRoot = join(stateDir, 'workspaces');
let env: NodeJS.ProcessEnv;
let llm: ScriptedLlmServer;
let redis: Redis | undefined;

function run(command: string, args: string[], timeout = 120_000) {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const fleet = (...args: string[]) => run(join(ROOT, 'start-agents.sh'), args);
// Asynchronous: the scripted LLM server lives in this process and must keep answering.
function codegod(
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/dist/bin.js'), ...args], {
      cwd: ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function heartbeats(): Promise<Record<string, { role: string; pid: number; state: string }>> {
  const raw = (await redis?.hgetall('codegod:agents:status')) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json)]));
}

beforeAll(async () => {
  llm = await startScriptedLlmServer({
    rules: flaskNotFoundRules('fix-flask'),
  });
  const fixture = await makeFlaskAppFixture(join(workspaceRoot, 'flask'));
  const { REDIS_URL: _ignored, ...rest } = process.env;
  env = {
    ...rest,
    ...fixture.pipEnv,
    CODEGOD_STATE_DIR: stateDir,
    CODEGOD_RUNTIME: 'local',
    CODEGOD_REDIS_PORT: String(await freePort()),
    BULL_BOARD_PORT: String(await freePort()),
    REDIS_COMMANDER_PORT: String(await freePort()),
    WORKSPACE_ROOT: workspaceRoot,
    VLLM_API_URL: llm.url,
    LLM_MODEL: 'scripted-model',
    LOG_LEVEL: 'info',
  };
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  fleet('down');
  await llm?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the fleet with the real services on the local runtime', () => {
  it('builds on the fleet, scales, reports status, wipes, shows logs and stops cleanly', async () => {
    const up = fleet('up');
    expect(up.status, up.stderr).toBe(0);
    const redisUrl =
      /^REDIS_URL=(.+)$/m.exec(readFileSync(join(stateDir, 'env'), 'utf8'))?.[1] ?? '';
    expect(redisUrl).toMatch(/^redis:\/\//);
    env.REDIS_URL = redisUrl;
    redis = new Redis(redisUrl);
    await waitFor('the master and four agents heartbeating', async () => {
      const roles = Object.values(await heartbeats()).map((beat) => beat.role);
      return ['master', 'backend', 'frontend', 'devops', 'testing'].every((r) => roles.includes(r));
    });

    const workspace = join(workspaceRoot, 'flask', 'workspace');
    const build = await codegod('build', 'Flask not found', '--workspace', workspace, '--json');
    expect(build.status, build.stderr).toBe(0);
    const report = JSON.parse(build.stdout);
    expect(report.state).toBe('succeeded');
    expect(report.tasks).toHaveLength(1);
    expect(report.tasks[0].agent_id).toBe('backend-agent-1');
    expect(report.tasks[0].validation.valid).toBe(true);
    expect(run(join(workspace, 'venv/bin/python'), ['-c', 'import flask']).status).toBe(0);
    expect(await redis.hget('codegod:metrics:tasks', 'completed')).toBe('1');
    const memory = await redis.hgetall('codegod:memory:backend-agent-1');
    expect(JSON.parse(memory.completed_tasks ?? '[]')).toEqual(['fix-flask']);

    expect(fleet('scale', 'backend-agent', '3').status).toBe(0);
    await waitFor('three backend heartbeats', async () => {
      const beats = await heartbeats();
      return ['backend-agent-1', 'backend-agent-2', 'backend-agent-3'].every((id) => id in beats);
    });
    const backendPids = Object.values(await heartbeats())
      .filter((beat) => beat.role === 'backend')
      .map((beat) => beat.pid);
    expect(new Set(backendPids).size).toBe(3);

    const status = fleet('status');
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/backend-agent-3\s+backend\s+idle/);
    expect(status.stdout).toMatch(/completed 1/);
    expect(status.stdout).toMatch(/master-orchestrator-1\s+master/);

    expect(fleet('wipe').status).toBe(0);
    const wiped = await redis.hgetall('codegod:memory:backend-agent-1');
    expect(JSON.parse(wiped.agent_role ?? 'null')).toBe('backend');
    expect(JSON.parse(wiped.completed_tasks ?? 'null')).toEqual([]);
    expect(JSON.parse(wiped.observations ?? 'null')).toEqual([]);
    expect(JSON.parse(wiped.current_task ?? '"x"')).toBeNull();

    const logs = fleet('logs', 'backend-agent', '-n', '50');
    expect(logs.status).toBe(0);
    expect(logs.stdout).toContain('agent worker ready');
    // At info, the agent's log tells what it did.
    expect(logs.stdout).toContain('"msg":"task fix-flask started (attempt 1)"');
    expect(logs.stdout).toMatch(/"msg":"task fix-flask succeeded in \d+\.\ds"/);
    expect(logs.stdout).not.toContain('"name":"master-orchestrator"');

    const pids = [
      ...Object.values(await heartbeats()).map((beat) => beat.pid),
      Number(readFileSync(join(stateDir, 'pm2/pm2.pid'), 'utf8')),
      Number(readFileSync(join(stateDir, 'redis/redis.pid'), 'utf8')),
    ];
    expect(pids.every(isProcessRunning)).toBe(true);
    redis.disconnect();
    redis = undefined;
    const down = fleet('down');
    expect(down.status, down.stderr).toBe(0);
    await waitFor(
      'every fleet process to exit',
      async () => pids.filter(isProcessRunning).length === 0,
      40_000,
    );
  }, 400_000);
});
