import { join } from 'node:path';
import { oraclePolicy, type PolicyServer, readInstances, startPolicyServer } from '@codegod/bench';
import { type RedisServer, startRedisServer, tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses } from '../e2e/support/child-processes.js';
import { startDistributedFleet } from '../e2e/support/distributed-fleet.js';
import { readResults, runBenchCli, SUITE } from './bench-cli.js';

// The same instances under the oracle policy, four at once on a fleet of real processes (a
// throwaway redis-server, the built master and one worker per role, all pointed at the policy
// server) and one by one embedded: the results must agree. The instances need no pip index:
// an instance's `env` reaches embedded runs, while fleet workers keep the env they started with.

const SUBSET = [
  'node-wrong-main',
  'py-off-by-one',
  'env-missing-keys',
  'node-test-renamed-export',
  'npm-then-dockerfile',
];

const verdicts = (results: Awaited<ReturnType<typeof readResults>>) =>
  Object.fromEntries(
    results.map((r) => [
      r.instance_id,
      {
        solved: r.solved,
        verdict: r.codegod_verdict,
        false_success: r.false_success,
        check: r.check_exit_code,
      },
    ]),
  );

describe('bench: --fleet --parallel 4 equals a serial embedded run (oracle)', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let redis: RedisServer;
  let policy: PolicyServer;

  beforeAll(async () => {
    dir = await tempDir('codegod-bench-fleet-');
    redis = await startRedisServer();
    const { instances } = await readInstances(SUITE);
    policy = await startPolicyServer(
      oraclePolicy,
      instances.filter((instance) => SUBSET.includes(instance.instance_id)),
    );
    await startDistributedFleet(children, {
      redisUrl: redis.url,
      llmUrl: policy.url,
      env: { npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    });
  }, 120_000);

  afterAll(async () => {
    await children.stopAll();
    await policy?.close();
    await redis?.stop();
    await dir?.remove();
  });

  it('solves the same instances with the same verdicts', { timeout: 420_000 }, async () => {
    const only = ['--only', SUBSET.join(',')];
    const fleetOut = join(dir.path, 'fleet');
    const fleet = await runBenchCli(
      [SUITE, '--fleet', '--parallel', '4', ...only, '--out', fleetOut],
      { REDIS_URL: redis.url },
    );
    expect(fleet.code, fleet.output).toBe(0);
    const embeddedOut = join(dir.path, 'embedded');
    const embedded = await runBenchCli([
      SUITE,
      '--policy',
      'oracle',
      ...only,
      '--out',
      embeddedOut,
    ]);
    expect(embedded.code, embedded.output).toBe(0);

    const onFleet = await readResults(fleetOut);
    const alone = await readResults(embeddedOut);
    expect(onFleet).toHaveLength(SUBSET.length);
    expect(verdicts(onFleet)).toEqual(verdicts(alone));
    expect(onFleet.every((r) => r.solved && r.codegod_verdict === 'succeeded')).toBe(true);
    // The fleet's workers talk to the policy server directly: the harness cannot count calls.
    expect(onFleet.every((r) => r.llm_calls === null)).toBe(true);
    expect(alone.every((r) => (r.llm_calls ?? 0) > 0)).toBe(true);
  });
});
