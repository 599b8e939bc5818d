import type { ReportStore } from '@codegod/orchestrator';
import { type RunReport, redisKeys, runReportSchema } from '@codegod/protocol';
import type { Redis } from 'ioredis';

/** Keeps reports in this process (embedded mode and tests). */
export class InMemoryReportStore implements ReportStore {
  readonly #reports = new Map<string, RunReport>();

  async save(report: RunReport): Promise<void> {
    this.#reports.set(report.run_id, structuredClone(report));
  }

  async load(runId: string): Promise<RunReport | undefined> {
    const report = this.#reports.get(runId);
    return report ? structuredClone(report) : undefined;
  }
}

/** Keeps reports in Redis at `codegod:run:{runId}:report`. */
export class RedisReportStore implements ReportStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Saves the report and announces it on the reports channel, so followers need not poll. */
  async save(report: RunReport): Promise<void> {
    await this.#redis
      .multi()
      .set(redisKeys.runReport(report.run_id), JSON.stringify(report))
      .publish(redisKeys.reportsChannel(), report.run_id)
      .exec();
  }

  async load(runId: string): Promise<RunReport | undefined> {
    const text = await this.#redis.get(redisKeys.runReport(runId));
    if (text === null) return undefined;
    return runReportSchema.parse(JSON.parse(text));
  }
}
