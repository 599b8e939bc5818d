import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isProcessRunning, waitFor } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './compose-config.js';

// The local runtime with the real pm2 and redis-server. The service entries are replaced by a
// test stand-in (fixtures/stand-in-service.mjs) that heartbeats like the real services, so this
// tests start-agents.sh (codegod fleet's pm2 runtime), not the services.
const STAND_IN = 'tests/fleet/fixtures/stand-in-service.mjs';
const stateDir = mkdtempSync(join(tmpdir(), 'codegod-fleet-local-'));
let env: NodeJS.ProcessEnv;
let redis: Redis | undefined;

function run(...args: string[]) {
  return runWith(env, ...args);
}

function runWith(environment: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(join(ROOT, 'start-agents.sh'), args, {
    cwd: ROOT,
    env: environment,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function heartbeats(): Promise<
  Record<string, { role: string; pid: number; pip_find_links: string | null }>
> {
  const raw = (await redis?.hgetall('codegod:agents:status')) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json)]));
}

beforeAll(async () => {
  const { REDIS_URL: _ignored, ...rest } = process.env;
  env = {
    ...rest,
    CODEGOD_STATE_DIR: stateDir,
    CODEGOD_RUNTIME: 'local',
    CODEGOD_MASTER_ENTRY: STAND_IN,
    CODEGOD_WORKER_ENTRY: STAND_IN,
    CODEGOD_REDIS_PORT: String(await freePort()),
    BULL_BOARD_PORT: String(await freePort()),
    PIP_FIND_LINKS: '/wheels-given-at-up',
    REDIS_COMMANDER_PORT: String(await freePort()),
  };
});

afterAll(async () => {
  redis?.disconnect();
  run('down'); // a no-op when the test got there; the cleanup when it did not
  rmSync(stateDir, { recursive: true, force: true });
});

/**
 * Redis Commander serves the fleet's Redis on 127.0.0.1 only, behind its login: no API call
 * without a signed-in token, no token for a wrong password.
 */
async function expectRedisCommander(stateEnv: string): Promise<void> {
  const port = /^REDIS_COMMANDER_PORT=(\d+)$/m.exec(stateEnv)?.[1];
  const password = /^REDIS_COMMANDER_PASSWORD=(.+)$/m.exec(stateEnv)?.[1] ?? '';
  expect(port).toBe(env.REDIS_COMMANDER_PORT);
  expect(password).toMatch(/^[0-9a-f]{48}$/);
  const base = `http://127.0.0.1:${port}`;
  await waitFor('Redis Commander to answer', async () => {
    try {
      return (await fetch(`${base}/`)).ok;
    } catch {
      return false;
    }
  });
  expect((await fetch(`${base}/apiv2/server/info`)).status).toBe(401);
  const signIn = async (secret: string) =>
    (await (
      await fetch(`${base}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: secret }),
      })
    ).json()) as { ok: boolean; bearerToken?: string };
  expect((await signIn('wrong')).ok).toBe(false);
  const session = await signIn(password);
  expect(session.ok).toBe(true);
  const info = await fetch(`${base}/apiv2/server/info`, {
    headers: { authorization: `Bearer ${session.bearerToken}` },
  });
  expect(info.status).toBe(200);
  expect(await info.text()).toContain(`127.0.0.1:${env.CODEGOD_REDIS_PORT}`);
  // Loopback only: the machine's other addresses refuse the port.
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal);
  if (outside) {
    const reached = await fetch(`http://${outside.address}:${port}/`).then(
      () => true,
      () => false,
    );
    expect(reached).toBe(false);
  }
}

describe('start-agents.sh on the local runtime (pm2)', () => {
  it('runs up, scale, status, wipe, logs and down, leaving nothing running', async () => {
    const up = run('up');
    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    expect(up.stdout).toContain('fleet is up (local runtime');

    const stateEnv = readFileSync(join(stateDir, 'env'), 'utf8');
    expect(stateEnv).toContain('CODEGOD_RUNTIME=local');
    const redisUrl = /^REDIS_URL=(.+)$/m.exec(stateEnv)?.[1] ?? '';
    expect(redisUrl).toBe(
      `redis://default:${readFileSync(join(stateDir, 'redis/password'), 'utf8')}@127.0.0.1:${env.CODEGOD_REDIS_PORT}`,
    );
    redis = new Redis(redisUrl);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);

    const firstFive = [
      'master-orchestrator-1',
      'backend-agent-1',
      'frontend-agent-1',
      'devops-agent-1',
      'testing-agent-1',
    ];
    await waitFor(
      'five heartbeats after up',
      async () => Object.keys(await heartbeats()).length === 5,
    );
    expect(Object.keys(await heartbeats()).sort()).toEqual([...firstFive].sort());
    expect((await heartbeats())['devops-agent-1']?.role).toBe('devops');

    await expectRedisCommander(readFileSync(join(stateDir, 'env'), 'utf8'));

    expect(run('up').status).toBe(0); // again: starts nothing new
    expect(Object.keys(await heartbeats())).toHaveLength(5);

    // From another shell, without the settings given at up: the new replicas still get them.
    const { PIP_FIND_LINKS: _given, ...otherShell } = env;
    const scale = runWith(otherShell, 'scale', 'backend-agent', '3');
    expect(scale.status).toBe(0);
    await waitFor('three backend heartbeats', async () => {
      const beats = await heartbeats();
      return ['backend-agent-2', 'backend-agent-3'].every((id) => id in beats);
    });
    const backends = Object.entries(await heartbeats()).filter(
      ([, beat]) => beat.role === 'backend',
    );
    expect(new Set(backends.map(([, beat]) => beat.pid)).size).toBe(3);
    expect(backends.map(([, beat]) => beat.pip_find_links)).toEqual([
      '/wheels-given-at-up',
      '/wheels-given-at-up',
      '/wheels-given-at-up',
    ]);

    // The README's counter line, exactly as written, after sourcing the fleet's env as it says.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const counters = readme
      .split('\n')
      .find((line) => line.startsWith('redis-cli -u "$REDIS_URL"'));
    expect(counters).toBeDefined();
    await redis.hset('codegod:metrics:tasks', 'submitted', '7');
    const sourced = spawnSync(
      'bash',
      ['-c', `set -a; . "${join(stateDir, 'env')}"; set +a; ${counters}`],
      { cwd: ROOT, env: { PATH: env.PATH }, encoding: 'utf8', timeout: 30_000 },
    );
    expect(sourced.status, sourced.stderr).toBe(0);
    expect(sourced.stdout).toMatch(/submitted\n7/);
    expect(sourced.stderr).not.toMatch(/NOAUTH/);

    const status = run('status');
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/backend-agent-3\s+online/);

    await redis.hset('codegod:memory:backend-agent-1', {
      agent_role: '"backend"',
      knowledge: '{"python":"3.11"}',
      current_task: '"t1"',
      completed_tasks: '["t0"]',
      observations: '[{"findings":[]}]',
      reasoning_history: '[]',
      blocked_on: '"t2"',
    });
    // The memory store's index of agents with a memory (codegod wipe reads it).
    await redis.sadd('codegod:memory-agents', 'backend-agent-1');
    expect(run('wipe').status).toBe(0);
    expect(await redis.hgetall('codegod:memory:backend-agent-1')).toEqual({
      agent_role: '"backend"',
      knowledge: '{"python":"3.11"}',
      current_task: 'null',
      completed_tasks: '[]',
      observations: '[]',
      reasoning_history: '[]',
      blocked_on: 'null',
    });

    const logs = run('logs', 'backend-agent', '-n', '5');
    expect(logs.status).toBe(0);
    expect(logs.stdout).toContain('"agentId":"backend-agent-3"');
    expect(logs.stdout).not.toContain('frontend-agent');

    // Scaling down stops replicas with SIGTERM: the stand-in removes its heartbeat on SIGTERM.
    expect(run('scale', 'backend-agent', '1').status).toBe(0);
    expect(Object.keys(await heartbeats()).sort()).toEqual([...firstFive].sort());

    const pids = [
      ...Object.values(await heartbeats()).map((beat) => beat.pid),
      Number(readFileSync(join(stateDir, 'pm2/pm2.pid'), 'utf8')),
      Number(readFileSync(join(stateDir, 'redis/redis.pid'), 'utf8')),
    ];
    expect(pids.every(isProcessRunning)).toBe(true);
    redis.disconnect();
    redis = undefined;

    const down = run('down');
    expect(down.status).toBe(0);
    expect(pids.filter(isProcessRunning)).toEqual([]);
    expect(existsSync(join(stateDir, 'env'))).toBe(false);
    expect(existsSync(join(stateDir, 'redis/appendonlydir'))).toBe(true);
    expect(run('status').status).toBe(1);
  }, 400_000);
});
