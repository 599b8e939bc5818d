import { redisKeys, type Submission, submissionSchema } from '@codegod/protocol';
import type { Redis } from 'ioredis';

/**
 * The master service's inbox in Redis. A taken submission moves to a second list until the run
 * has started, so a master killed in between finds it again on restart.
 */
export class SubmissionQueue {
  readonly #redis: Redis;
  readonly #blocking: Redis;

  /**
   * `blocking` carries only `take`'s BLMOVE (default: `redis`). A command sent on a connection
   * waits behind a pending BLMOVE, so the master gives `take` a connection of its own: else
   * `done` waited for the next take's timeout, and the run's report with it.
   */
  constructor(redis: Redis, blocking: Redis = redis) {
    this.#redis = redis;
    this.#blocking = blocking;
  }

  /** Queues a run for the master. */
  async submit(submission: Submission): Promise<void> {
    await this.#redis.lpush(
      redisKeys.submissions(),
      JSON.stringify(submissionSchema.parse(submission)),
    );
  }

  /**
   * Waits up to `timeoutSeconds` for a submission. A malformed entry is dropped and reported
   * through `onInvalid`, never thrown, so one bad message cannot stop the master.
   */
  async take(
    timeoutSeconds: number,
    onInvalid: (raw: string, problem: string) => void,
  ): Promise<{ submission: Submission; raw: string } | undefined> {
    const raw = await this.#blocking.blmove(
      redisKeys.submissions(),
      redisKeys.submissionsTaken(),
      'RIGHT',
      'LEFT',
      timeoutSeconds,
    );
    if (raw === null) return undefined;
    const parsed = parseSubmission(raw);
    if (!parsed.ok) {
      await this.#redis.lrem(redisKeys.submissionsTaken(), 1, raw);
      onInvalid(raw, parsed.problem);
      return undefined;
    }
    return { submission: parsed.submission, raw };
  }

  /** True while the run's submission waits for a master to take it. */
  async isWaiting(runId: string): Promise<boolean> {
    const raws = await this.#redis.lrange(redisKeys.submissions(), 0, -1);
    return raws.some((raw) => {
      const parsed = parseSubmission(raw);
      return parsed.ok && parsed.submission.run_id === runId;
    });
  }

  /** Marks a taken submission as started. */
  async done(raw: string): Promise<void> {
    await this.#redis.lrem(redisKeys.submissionsTaken(), 1, raw);
  }

  /** Submissions a previous master took but never started. */
  async orphans(): Promise<{ submission: Submission; raw: string }[]> {
    const raws = await this.#redis.lrange(redisKeys.submissionsTaken(), 0, -1);
    const found: { submission: Submission; raw: string }[] = [];
    for (const raw of raws) {
      const parsed = parseSubmission(raw);
      if (parsed.ok) found.push({ submission: parsed.submission, raw });
      else await this.#redis.lrem(redisKeys.submissionsTaken(), 1, raw);
    }
    return found;
  }
}

function parseSubmission(
  raw: string,
): { ok: true; submission: Submission } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = submissionSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, problem: parsed.error.issues.map((i) => i.message).join('; ') };
  return { ok: true, submission: parsed.data };
}
