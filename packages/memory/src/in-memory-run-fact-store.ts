import type { RunFact } from '@codegod/protocol';
import { byName, type RunFactStore, supersedes } from './run-fact-store.js';

/** Run facts in this process (embedded mode): the reference implementation. */
export class InMemoryRunFactStore implements RunFactStore {
  readonly #runs = new Map<string, Map<string, RunFact>>();

  async record(runId: string, facts: readonly RunFact[]): Promise<void> {
    const run = this.#runs.get(runId) ?? new Map<string, RunFact>();
    for (const fact of facts) {
      if (supersedes(run.get(fact.name), fact)) run.set(fact.name, structuredClone(fact));
    }
    this.#runs.set(runId, run);
  }

  async list(runId: string): Promise<RunFact[]> {
    return byName(this.#runs.get(runId)?.values() ?? []).map((fact) => structuredClone(fact));
  }
}
