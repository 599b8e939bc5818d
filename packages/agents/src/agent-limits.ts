import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';

const count = (min: number) => z.number().int().min(min);

/** The bounds of one task run; every one ends the task with a clear reason when hit. */
export const agentLimitsSchema = z.object({
  /** Iterations per attempt; a wipe starts a new attempt. Default: 5. */
  maxIterations: count(1).default(5),
  /** Wipe-and-retry rounds when stuck before giving up ("stuck after wipes"). Default: 2. */
  maxWipes: count(0).default(2),
  /** LLM tokens (prompt + completion) per task ("token budget"). Default: 200000. */
  maxTokens: count(1).default(200_000),
  /** Wall-clock milliseconds per task ("time budget"). Default: 1800000 (30 minutes). */
  maxWallMs: count(1).default(30 * 60 * 1000),
  /** Stuck rule (a): the same call failing the same way this many times. Default: 3. */
  repeatedFailureLimit: count(2).default(3),
  /** Stuck rule (b): length of an A-B-A-B alternation of plans. Default: 4. */
  alternationLength: count(4).default(4),
  /** Stuck rule (c): iterations in a row observing the same thing. Default: 3. */
  stallIterations: count(2).default(3),
  /** Entries kept in memory's observations and reasoning_history. Default: 20. */
  historyLimit: count(1).default(20),
});

/** Settings of the agent's bounds; every field is optional and documented with its default. */
export type AgentLimitsInput = z.input<typeof agentLimitsSchema>;
/** The agent's bounds with defaults applied. */
export type AgentLimits = z.output<typeof agentLimitsSchema>;

/** Applies defaults and rejects bad values with a ConfigError naming the option. */
export function parseAgentLimits(input: AgentLimitsInput = {}): AgentLimits {
  const parsed = agentLimitsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`limits.${issue.path.join('.')}`, undefined, issue.message);
  }
  return parsed.data;
}
