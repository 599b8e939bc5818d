import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RedisReportStore } from '@codegod/fleet';
import { createRedisMemoryStore } from '@codegod/memory';
import { emptyAgentMemory, type RunReport, redisKeys, runReportSchema } from '@codegod/protocol';
import {
  freePort,
  largeRunReport,
  type RedisServer,
  runReportOf,
  startRedisServer,
  taskReportOf,
  tempDir,
  waitFor,
} from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
// Control characters but newline and tab.
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Runs the built CLI against the test's Redis (asynchronously: nothing here blocks). */
function codegod(env: Record<string, string>, ...args: string[]) {
  return codegodWith([], env, ...args);
}

/** codegod with `nodeArgs` (e.g. a preload) given to Node first. */
function codegodWith(nodeArgs: string[], env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, bin, ...args],
      // A CLI that never exits is killed (and the test fails) rather than left behind.
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 45_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('codegod fleet commands against a real Redis', () => {
  let redis: RedisServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    redis = await startRedisServer();
    env = { REDIS_URL: redis.url };
  });
  afterAll(() => redis.stop());

  it('announces each saved report on the reports channel, so a follower need not poll', async () => {
    const subscriber = new Redis(redis.url);
    const announced: string[] = [];
    subscriber.on('message', (_channel: string, runId: string) => announced.push(runId));
    await subscriber.subscribe(redisKeys.reportsChannel());
    const client = new Redis(redis.url);
    const report = runReportOf({ run_id: 'run-announced' });
    await new RedisReportStore(client).save(report);
    await waitFor('the announcement', async () => announced.length > 0);
    expect(announced).toEqual(['run-announced']);
    expect(await new RedisReportStore(client).load('run-announced')).toEqual(report);
    subscriber.disconnect();
    client.disconnect();
  });

  it('checkpoints, wipes and restores an agent memory', async () => {
    const store = createRedisMemoryStore({ redis: redis.url });
    await store.save('backend-1', {
      ...emptyAgentMemory('backend'),
      completed_tasks: ['t1', 't2'],
      knowledge: { python: '3.11' },
    });
    const checkpoint = await codegod(env, 'checkpoint', '--agent', 'backend-1');
    expect(checkpoint.code, checkpoint.stderr).toBe(0);
    const id = checkpoint.stdout.trim();
    expect(await store.listCheckpoints('backend-1')).toEqual([id]);

    expect((await codegod(env, 'wipe', '--agent', 'backend-1')).code).toBe(0);
    expect((await store.load('backend-1'))?.completed_tasks).toEqual([]);
    expect((await store.load('backend-1'))?.knowledge).toEqual({ python: '3.11' });

    const restore = await codegod(env, 'restore', '--agent', 'backend-1', id);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/2 completed tasks/);
    expect((await store.load('backend-1'))?.completed_tasks).toEqual(['t1', 't2']);
    await store.close();
  });

  it('says which agents exist when asked to wipe an unknown one, and rejects a bad checkpoint', async () => {
    const wipe = await codegod(env, 'wipe', '--agent', 'nobody');
    expect(wipe.code).toBe(2);
    expect(wipe.stderr).toMatch(/No memory for agent nobody\. Agents with a memory: backend-1/);
    const restore = await codegod(env, 'restore', '--agent', 'backend-1', 'no-such-checkpoint');
    expect(restore.code).toBe(2);
    expect(restore.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('shows status and runs of an idle fleet', async () => {
    const status = await codegod(env, 'status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/agents \(0\)/);
    expect(status.stdout).toMatch(/backend\s+0 \/ 0 \/ 0 \/ 0/);
    const runs = await codegod(env, 'runs');
    expect(runs.stdout).toMatch(/no runs yet/);
  });

  it('shows a report with terminal control sequences stripped, and --json escaped', async () => {
    const hostile = 'bad\x1b[2J\x1b]0;pwned\x07\rFAKE';
    const report: RunReport = runReportSchema.parse({
      run_id: 'run-hostile',
      problem: `problem ${hostile}`,
      workspace: '/w',
      state: 'failed',
      reason: `reason ${hostile}`,
      started_at: 0,
      ended_at: 1,
      duration_ms: 1,
      replan_rounds: 0,
      tokens: { total: 0, by_role: {} },
      tasks: [
        taskReportOf({
          id: 'x',
          state: 'failed',
          reason: `task ${hostile}`,
          validation: { valid: false, output: `check ${hostile}` },
        }),
      ],
    });
    const client = new Redis(redis.url);
    await new RedisReportStore(client).save(report);
    client.disconnect();
    const shown = await codegod(env, 'show', 'run-hostile');
    expect(shown.code, shown.stderr).toBe(0);
    for (const text of ['problem badFAKE', 'reason badFAKE', 'task badFAKE', 'check badFAKE'])
      expect(shown.stdout).toContain(text);
    expect(shown.stdout).not.toMatch(CONTROL);
    const json = await codegod(env, 'show', 'run-hostile', '--json');
    expect(JSON.parse(json.stdout)).toEqual(report);
  });

  it('exits once the command is done, whatever still holds the event loop, with all its output', async () => {
    // A preload whose interval never ends: before, codegod waited for the event loop to empty,
    // which a library's timer could put off (ioredis's reply parser keeps one for a second
    // after a large reply); with this one it never exited.
    const dir = await tempDir();
    const hold = join(dir.path, 'hold-the-loop.cjs');
    await writeFile(hold, 'setInterval(() => {}, 60_000);\n');
    const report = largeRunReport('run-large', 300, 'a run with a large report');
    const client = new Redis(redis.url);
    await new RedisReportStore(client).save(report);
    client.disconnect();
    try {
      // Over 600 KB through the pipe: more than its buffer, so the exit must wait for the reader.
      const shown = await codegodWith(['-r', hold], env, 'show', 'run-large', '--json');
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout.length).toBeGreaterThan(600_000);
      expect(JSON.parse(shown.stdout)).toEqual(report);
      const missing = await codegodWith(['-r', hold], env, 'show', 'run-missing');
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/No run run-missing/);
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('fails in one line when Redis is not reachable or not configured', async () => {
    const closed = await codegod({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, 'status');
    expect(closed.code).toBe(2);
    expect(closed.stderr.trim().split('\n')).toHaveLength(1);
    expect(closed.stderr).toMatch(/Cannot reach Redis/);
    const unset = await codegod({ REDIS_URL: '' }, 'runs');
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/REDIS_URL is not set/);
  });
});
