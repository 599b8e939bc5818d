import type { Observation } from '@codegod/protocol';
import { z } from 'zod';

/**
 * Observation fields that are durable facts about a workspace: worth keeping across tasks and
 * wipes (the seed's `knowledge`), so the next task starts from them instead of re-discovering.
 */
export const FACT_FIELDS = [
  'venv_path',
  'python_version',
  'node_version',
  'package_manager',
  'test_command',
  'entry_point',
  'framework',
  'base_image',
] as const;

/** The knowledge key under which learned facts live, per workspace. */
export const WORKSPACE_FACTS_KEY = 'workspace_facts';

/** Workspaces whose facts an agent keeps; the least recently seen are dropped past it. */
export const WORKSPACES_KEPT = 16;

/** One learned fact: its value, who found it and when. */
export const learnedFactSchema = z.object({
  value: z.unknown(),
  found_by: z.string(),
  task_id: z.string(),
  found_at: z.number(),
});
/** One learned fact. */
export type LearnedFact = z.infer<typeof learnedFactSchema>;

const workspaceFactsSchema = z.record(z.string(), z.record(z.string(), learnedFactSchema));

/** Who is learning, for the facts' provenance. */
export interface FactSource {
  found_by: string;
  task_id: string;
  found_at: number;
}

/**
 * The facts an observation states: the FACT_FIELDS it has. A null value is a statement too
 * (the venv is gone), so it is kept here and contradicts a remembered value.
 */
export function factsOf(observation: Observation): Record<string, unknown> {
  return Object.fromEntries(
    FACT_FIELDS.filter((field) => field in observation).map((field) => [field, observation[field]]),
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The learned facts of every workspace in `knowledge`; an operator's hand edit that does not parse is ignored. */
function readWorkspaceFacts(knowledge: Record<string, unknown>) {
  return workspaceFactsSchema.safeParse(knowledge[WORKSPACE_FACTS_KEY] ?? {}).data ?? {};
}

/**
 * Knowledge after an observation in `workspace`: new facts are added, a fact the observation
 * contradicts is replaced (or dropped, when the observation says null), an unchanged one keeps
 * who first found it. `changed` names the facts that are new or corrected.
 */
export function learnFacts(
  knowledge: Record<string, unknown>,
  workspace: string,
  facts: Record<string, unknown>,
  source: FactSource,
): { knowledge: Record<string, unknown>; changed: string[] } {
  const all = readWorkspaceFacts(knowledge);
  const known = { ...(all[workspace] ?? {}) };
  const changed: string[] = [];
  for (const [name, value] of Object.entries(facts)) {
    const before = known[name];
    if (value === null || value === undefined) {
      if (before) {
        delete known[name];
        changed.push(name);
      }
    } else if (!before || !same(before.value, value)) {
      known[name] = { value, ...source };
      changed.push(name);
    }
  }
  // Re-inserted last: the most recently seen workspace survives the bound.
  delete all[workspace];
  if (Object.keys(known).length > 0) all[workspace] = known;
  const kept = Object.fromEntries(Object.entries(all).slice(-WORKSPACES_KEPT));
  const { [WORKSPACE_FACTS_KEY]: _old, ...rest } = knowledge;
  // No facts, no key: an agent that learned nothing keeps the knowledge it was given as it was.
  if (Object.keys(kept).length === 0) return { knowledge: rest, changed };
  return { knowledge: { ...rest, [WORKSPACE_FACTS_KEY]: kept }, changed };
}

/**
 * Knowledge as a task's prompt shows it: the operator's entries, and the learned facts of this
 * task's workspace only (another workspace's venv is no fact here), as plain values.
 */
export function knowledgeForPrompt(
  knowledge: Record<string, unknown>,
  workspace: string,
): Record<string, unknown> {
  const { [WORKSPACE_FACTS_KEY]: _all, ...rest } = knowledge;
  const facts = readWorkspaceFacts(knowledge)[workspace];
  if (!facts) return rest;
  return {
    ...rest,
    [WORKSPACE_FACTS_KEY]: Object.fromEntries(
      Object.entries(facts).map(([name, fact]) => [name, fact.value]),
    ),
  };
}
