import { randomUUID } from 'node:crypto';
import { redisKeys } from '@codegod/protocol';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmissionQueue } from './submission-queue.js';

let server: RedisServer;
let redis: Redis;
let blocking: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  blocking = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  blocking.disconnect();
  await server.stop();
});

const submission = () => ({
  run_id: `run-${randomUUID()}`,
  problem: 'queue test',
  workspace: '/tmp/queue-test',
  plan: null,
  limits: null,
  run_checks: [],
  submitted_at: Date.now(),
});

describe('SubmissionQueue', () => {
  it('marks a taken submission done while the next take still waits on its own connection', async () => {
    const queue = new SubmissionQueue(redis, blocking);
    const sent = submission();
    await queue.submit(sent);
    const taken = await queue.take(1, () => {});
    expect(taken?.submission.run_id).toBe(sent.run_id);
    expect(await redis.lrange(redisKeys.submissionsTaken(), 0, -1)).toEqual([taken!.raw]);

    // The master takes again at once; the run it started must not wait for that take's timeout.
    const next = queue.take(5, () => {}).then(() => 'take' as const);
    const done = queue.done(taken!.raw).then(() => 'done' as const);
    expect(await Promise.race([next, done])).toBe('done');
    expect(await redis.lrange(redisKeys.submissionsTaken(), 0, -1)).toEqual([]);

    // The waiting take still gets the next submission.
    const later = submission();
    await queue.submit(later);
    await next;
    expect(await redis.lrange(redisKeys.submissionsTaken(), 0, -1)).toHaveLength(1);
    expect(JSON.parse((await redis.lrange(redisKeys.submissionsTaken(), 0, -1))[0]!)).toMatchObject(
      { run_id: later.run_id },
    );
  });
});
