import type { RunFact } from '@codegod/protocol';
import { byName, type RunFactStore, recordInto } from './run-fact-store.js';

/** Runs whose facts an InMemoryRunFactStore keeps by default. */
const KEPT_RUNS = 256;

/**
 * Run facts in this process (embedded mode): the reference implementation. Only the `keepRuns`
 * runs recorded or listed most recently are kept (default 256), so a long-lived process stays
 * flat; a live run's agents touch its facts on every task.
 */
export class InMemoryRunFactStore implements RunFactStore {
  readonly #runs = new Map<string, Map<string, RunFact>>();
  readonly #keep: number;

  constructor(options: { keepRuns?: number } = {}) {
    this.#keep = options.keepRuns ?? KEPT_RUNS;
  }

  async record(runId: string, facts: readonly RunFact[]): Promise<RunFact[]> {
    const run = this.#runs.get(runId) ?? new Map<string, RunFact>();
    recordInto(run, facts);
    this.#touch(runId, run);
    return copies(run);
  }

  async list(runId: string): Promise<RunFact[]> {
    const run = this.#runs.get(runId);
    if (run === undefined) return [];
    this.#touch(runId, run);
    return copies(run);
  }

  /** Makes `runId` the most recent run, forgetting the least recent ones past the bound. */
  #touch(runId: string, run: Map<string, RunFact>): void {
    this.#runs.delete(runId);
    this.#runs.set(runId, run);
    for (const oldest of this.#runs.keys()) {
      if (this.#runs.size <= this.#keep) break;
      this.#runs.delete(oldest);
    }
  }
}

/** A run's facts by name and role, copied so a caller cannot change what is on record. */
function copies(run: Map<string, RunFact>): RunFact[] {
  return byName(run.values()).map((fact) => structuredClone(fact));
}
