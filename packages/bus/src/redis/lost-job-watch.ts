import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * How far back each look reaches, in ms: a failure is stamped with the failing worker's clock,
 * which may lag the master's, and a look may come late on a busy machine.
 */
const LOOK_BACK_MS = 60_000;

/** Settings of `watchLostJobs`. */
export interface LostJobWatchOptions {
  redis: Redis;
  queue: (role: WorkerRole) => Queue;
  /** How often to look, in ms (the workers' stalled-job check period). */
  intervalMs: number;
  /** Called once per failed job, with BullMQ's reason. */
  onFailed: (role: WorkerRole, jobId: string, failedReason: string) => Promise<void>;
  onError: (error: unknown) => void;
}

/** A running watch. */
export interface LostJobWatch {
  /** Stops looking; resolves once a look under way has finished. */
  stop(): Promise<void>;
}

/**
 * Looks at each role queue's failed set every `intervalMs` and reports jobs that failed since
 * the last look. Decision: a look per stalled-job check period rather than a QueueEvents
 * reader per queue. The reader woke up for every added, active and completed job (six stream
 * reads per task, each parsed by the master) to learn of a failure that is rare and that
 * BullMQ itself only notices once per check period.
 */
export function watchLostJobs(options: LostJobWatchOptions): LostJobWatch {
  /** Failed jobs already reported, `role/jobId` → their score, kept for one look-back. */
  const reported = new Map<string, number>();
  let looking: Promise<void> | undefined;
  const look = async () => {
    const since = Date.now() - LOOK_BACK_MS;
    for (const [key, score] of reported) if (score < since) reported.delete(key);
    for (const role of WORKER_ROLES) {
      const queue = options.queue(role);
      const entries = await options.redis.zrangebyscore(
        queue.keys.failed!,
        since,
        '+inf',
        'WITHSCORES',
      );
      for (let i = 0; i < entries.length; i += 2) {
        const jobId = entries[i]!;
        const key = `${role}/${jobId}`;
        if (reported.has(key)) continue;
        const reason = await options.redis.hget(queue.toKey(jobId), 'failedReason');
        // Marked once handled: a look cut short by an error tries the job again next time.
        await options.onFailed(role, jobId, reason ?? '');
        reported.set(key, Number(entries[i + 1]));
      }
    }
  };
  const timer = setInterval(() => {
    looking ??= look()
      .catch(options.onError)
      .finally(() => {
        looking = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await looking;
    },
  };
}
