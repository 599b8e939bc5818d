import { defineSettings, intSetting } from '@codegod/config';
import type { ReportStore } from '@codegod/orchestrator';
import { type RunReport, redisKeys, runReportSchema } from '@codegod/protocol';
import type { Redis } from 'ioredis';

/** Settings of `InMemoryReportStore`. */
export interface InMemoryReportStoreOptions {
  /**
   * Reports kept, the most recently saved; older ones are forgotten so a long-lived embedded
   * process stays flat. Env `CODEGOD_KEEP_REPORTS`. Default: 32.
   */
  keepReports?: number;
  /** Where settings not given as options are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

const SETTINGS = defineSettings({
  keepReports: { env: 'CODEGOD_KEEP_REPORTS', schema: intSetting(1, 32) },
});

/** Keeps the last reports in this process (embedded mode and tests). Throws ConfigError on bad settings. */
export class InMemoryReportStore implements ReportStore {
  readonly #reports = new Map<string, RunReport>();
  readonly #keep: number;

  constructor(options: InMemoryReportStoreOptions = {}) {
    this.#keep = SETTINGS.resolve(options, options.env).keepReports;
  }

  async save(report: RunReport): Promise<void> {
    // Re-inserted, so the newest save is last and the oldest goes first.
    this.#reports.delete(report.run_id);
    this.#reports.set(report.run_id, structuredClone(report));
    for (const runId of this.#reports.keys()) {
      if (this.#reports.size <= this.#keep) break;
      this.#reports.delete(runId);
    }
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
