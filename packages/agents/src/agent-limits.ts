import { defineSettings, type SettingValues, wholeNumberSetting } from '@codegod/config';

/** The bounds of one task run; every one ends the task with a clear reason when hit. */
export const AGENT_LIMIT_SETTINGS = defineSettings(
  {
    /** Iterations per attempt; a wipe starts a new attempt. Default: 5. */
    maxIterations: { schema: wholeNumberSetting(1, 5) },
    /** Wipe-and-retry rounds when stuck before giving up ("stuck after wipes"). Default: 2. */
    maxWipes: { schema: wholeNumberSetting(0, 2) },
    /** LLM tokens (prompt + completion) per task ("token budget"). Default: 200000. */
    maxTokens: { schema: wholeNumberSetting(1, 200_000) },
    /** Wall-clock milliseconds per task ("time budget"). Default: 1800000 (30 minutes). */
    maxWallMs: { schema: wholeNumberSetting(1, 30 * 60 * 1000) },
    /** Stuck rule (a): the same call failing the same way this many times. Default: 3. */
    repeatedFailureLimit: { schema: wholeNumberSetting(2, 3) },
    /** Stuck rule (b): length of an A-B-A-B alternation of plans. Default: 4. */
    alternationLength: { schema: wholeNumberSetting(4, 4) },
    /** Stuck rule (c): iterations in a row observing the same thing. Default: 3. */
    stallIterations: { schema: wholeNumberSetting(2, 3) },
    /** Entries kept in memory's observations and reasoning_history. Default: 20. */
    historyLimit: { schema: wholeNumberSetting(1, 20) },
  },
  { within: 'limits' },
);

/** The agent's bounds with defaults applied. */
export type AgentLimits = SettingValues<typeof AGENT_LIMIT_SETTINGS.specs>;
/** Settings of the agent's bounds; every field is optional and documented with its default. */
export type AgentLimitsInput = { [K in keyof AgentLimits]?: number };

/** Applies defaults and rejects bad values with a ConfigError naming the option. */
export function parseAgentLimits(input: AgentLimitsInput = {}): AgentLimits {
  return AGENT_LIMIT_SETTINGS.resolve(input, {});
}
