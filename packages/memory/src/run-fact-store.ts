import type { RunFact } from '@codegod/protocol';

/**
 * The run-scoped fact port: what one task of a run found, visible to the run's later tasks on
 * every agent and replica. Every adapter passes `runFactStoreConformance` from
 * `@codegod/memory/testing`.
 */
export interface RunFactStore {
  /**
   * Records facts. A fact is what one role found about one name (`factKey`): the backend's
   * `package_manager` (pip) and the frontend's (npm) of a full-stack project are two facts, not
   * one that each task of the other role overwrites. A fact whose value differs from the one
   * on record under its key replaces it; one with the same value leaves the first finder and
   * time in place. Resolves to the run's facts with these recorded, sorted by name, as `list`
   * would return them: an agent that records what it observed and then prompts with the run's
   * facts needs one call, not two.
   */
  record(runId: string, facts: readonly RunFact[]): Promise<RunFact[]>;
  /** The run's facts, sorted by name, then role; empty for an unknown run. */
  list(runId: string): Promise<RunFact[]>;
}

/** The key a fact is on record under: its role and name. */
export function factKey(fact: Pick<RunFact, 'role' | 'name'>): string {
  return `${fact.role}/${fact.name}`;
}

/** True when `fact` should replace `current`: there is none, or its value differs. */
export function supersedes(current: RunFact | undefined, fact: RunFact): boolean {
  return !current || JSON.stringify(current.value) !== JSON.stringify(fact.value);
}

/**
 * Records `facts` in `onRecord` (facts by `factKey`): a copy of each one that supersedes the
 * fact under its key replaces it. Returns those that did, in the order given.
 */
export function recordInto(onRecord: Map<string, RunFact>, facts: Iterable<RunFact>): RunFact[] {
  const changed: RunFact[] = [];
  for (const fact of facts) {
    const key = factKey(fact);
    if (!supersedes(onRecord.get(key), fact)) continue;
    onRecord.set(key, structuredClone(fact));
    changed.push(fact);
  }
  return changed;
}

/** Facts sorted by name, then role, for a stable prompt. */
export function byName(facts: Iterable<RunFact>): RunFact[] {
  return [...facts].sort((a, b) => compare(a.name, b.name) || compare(a.role, b.role));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
