import { join } from 'node:path';
import { prepareWorkspace, readInstances, runShell } from '@codegod/bench';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUITE } from './bench-cli.js';

// An instance whose success_command already passes measures nothing: the lazy policy would
// "solve" it. Every shipped instance must build offline and start broken.

describe('the shipped suite', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('codegod-bench-broken-');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('has at least 20 instances over the four roles, each broken after its setup', {
    timeout: 300_000,
  }, async () => {
    const { instances, bad } = await readInstances(SUITE);
    expect(bad).toEqual([]);
    expect(instances.length).toBeGreaterThanOrEqual(20);
    expect(new Set(instances.map((i) => i.category))).toEqual(
      new Set(['backend', 'frontend', 'testing', 'devops', 'multi']),
    );
    const passing: string[] = [];
    const brokenAfterSetup = async (instance: (typeof instances)[number]) => {
      const workspace = join(dir.path, instance.instance_id);
      const env = { ...process.env };
      for (const [name, value] of Object.entries(instance.env ?? {}))
        env[name] = value.replaceAll('{workspace}', workspace);
      await prepareWorkspace(instance, workspace, env);
      const check = await runShell(['sh', '-c', instance.success_command], workspace, env, {
        timeoutMs: 60_000,
      });
      if (check.code === 0) passing.push(instance.instance_id);
    };
    // Three at a time: most of the cost is python3 -m venv.
    for (let i = 0; i < instances.length; i += 3)
      await Promise.all(instances.slice(i, i + 3).map(brokenAfterSetup));
    expect(passing).toEqual([]);
  });
});
