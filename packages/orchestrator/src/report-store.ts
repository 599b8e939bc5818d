import type { RunReport } from '@codegod/protocol';

/** Where run reports are kept. The fleet has an in-process and a Redis adapter. */
export interface ReportStore {
  save(report: RunReport): Promise<void>;
  /** The report, or undefined when there is none. */
  load(runId: string): Promise<RunReport | undefined>;
}
