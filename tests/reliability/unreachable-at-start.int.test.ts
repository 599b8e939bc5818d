import { spawn } from 'node:child_process';
import { freePort, tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES, FAST_FLEET_ENV, startLocalFleet } from './local-fleet.js';
import { recordFault } from './reliability-summary.js';

// Nothing listens on the closed ports: services and the CLI must exit non-zero, on their own,
// with one line that says what to do.

interface Exit {
  code: number | null;
  stderr: string;
}

/** Runs a built entry; the 60 s kill only guards against a hang (then `code` is null). */
function runEntry(entry: string, args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [entry, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      done({ code, stderr });
    });
  });
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);

describe('unreachable Redis or LLM at start-up', () => {
  let closedRedis: string;
  let closedLlm: string;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    closedRedis = `redis://127.0.0.1:${await freePort()}`;
    closedLlm = `http://127.0.0.1:${await freePort()}/v1`;
    dir = await tempDir('codegod-unreachable-');
  });
  afterAll(() => dir?.remove());

  it.each([
    ['master-orchestrator', ENTRIES.master, {}],
    ['agent-worker', ENTRIES.worker, { AGENT_ROLE: 'backend' }],
  ] as const)(
    '%s exits 1 with one line when Redis is unreachable',
    async (name, entry, extra) => {
      const exit = await runEntry(entry, [], {
        ...FAST_FLEET_ENV,
        REDIS_URL: closedRedis,
        VLLM_API_URL: closedLlm,
        ...extra,
      });
      recordFault({
        fault: `${name} starts with Redis unreachable`,
        behaviour: `exit ${exit.code}`,
        bound: 'connect probe timeout (3 s)',
        outcome: lines(exit.stderr).join(' / ').slice(0, 140),
      });
      expect(exit.code).toBe(1);
      expect(lines(exit.stderr)).toHaveLength(1);
      expect(exit.stderr).toMatch(new RegExp(`^${name}: .*Redis`, 'i'));
    },
    90_000,
  );

  it('codegod build (embedded) against a closed LLM port exits 2 with one line', async () => {
    const exit = await runEntry(ENTRIES.cli, ['build', 'anything', '-w', dir.path], {
      VLLM_API_URL: closedLlm,
      LLM_HEALTH_TIMEOUT_MS: '2000',
    });
    recordFault({
      fault: 'codegod build with the LLM unreachable',
      behaviour: `exit ${exit.code}, nothing started`,
      bound: 'LLM health check (LLM_HEALTH_TIMEOUT_MS)',
      outcome: lines(exit.stderr).join(' / ').slice(0, 140),
    });
    expect(exit.code).toBe(2);
    expect(lines(exit.stderr)).toHaveLength(1);
    expect(exit.stderr).toMatch(/LLM|VLLM_API_URL/);
  }, 90_000);

  it('codegod build with REDIS_URL on a closed port exits 2 with one line', async () => {
    const exit = await runEntry(ENTRIES.cli, ['build', 'anything', '-w', dir.path], {
      REDIS_URL: closedRedis,
      VLLM_API_URL: closedLlm,
    });
    recordFault({
      fault: 'codegod build with REDIS_URL unreachable',
      behaviour: `exit ${exit.code}, nothing submitted`,
      bound: 'connect probe timeout',
      outcome: lines(exit.stderr).join(' / ').slice(0, 140),
    });
    expect(exit.code).toBe(2);
    expect(lines(exit.stderr)).toHaveLength(1);
    expect(exit.stderr).toMatch(/Redis|REDIS_URL/);
  }, 90_000);

  it('the fleet with the LLM unreachable: services stay up, a run fails with the reason', async () => {
    // Services must not crash-loop while vLLM loads its model; runs fail clearly instead.
    const fleet = await startLocalFleet({ env: { VLLM_API_URL: closedLlm } });
    try {
      const master = await fleet.startMaster();
      await Promise.all([master.ready, fleet.startWorker('backend').ready]);
      const result = await fleet.build('needs the LLM', await fleet.workspace(), undefined, 60_000);
      recordFault({
        fault: 'master and worker start with the LLM unreachable; a run is submitted',
        behaviour: `services stay up; run ${result.report?.state}, CLI exit ${result.code}`,
        bound: 'LLM retries, then decomposition fails',
        outcome: (result.report?.reason ?? result.stderr).slice(0, 140),
      });
      expect(result.code, result.stderr).toBe(1);
      expect(result.report?.state).toBe('failed');
      expect(result.report?.reason).toMatch(/LLM|VLLM_API_URL/);
      expect(master.child.exitCode).toBeNull();
    } finally {
      await fleet.stop();
    }
  }, 90_000);
});
