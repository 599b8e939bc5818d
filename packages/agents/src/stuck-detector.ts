import { parseAgentLimits } from './agent-limits.js';
import { canonicalJson } from './stable-hash.js';

/** Thresholds of the stuck detector. */
export interface StuckDetectorSettings {
  /** The same action, same arguments, failing with the same error this many times. Default: 3. */
  repeatedFailureLimit: number;
  /** Length of an A-B-A-B alternation of iteration plans that counts as a loop. Default: 4. */
  alternationLength: number;
  /** Iterations in a row that observe exactly the same thing. Default: 3. */
  stallIterations: number;
}

const { repeatedFailureLimit, alternationLength, stallIterations } = parseAgentLimits();

/** The defaults of the stuck detector: the agent's limits' (AGENT_LIMIT_SETTINGS). */
export const DEFAULT_STUCK_DETECTOR_SETTINGS: StuckDetectorSettings = {
  repeatedFailureLimit,
  alternationLength,
  stallIterations,
};

/** One executed (or refused) action, as the detector sees it. */
export interface ActionAttempt {
  /** `actionSignature(action, args)`. */
  signature: string;
  success: boolean;
  /** The error text of a failure; empty on success. */
  error: string;
}

/** What an attempt has done so far; the agent resets it after a wipe. */
export interface StuckHistory {
  /** Every action attempted, in order, across iterations. */
  actions: readonly ActionAttempt[];
  /** One signature per iteration: the signatures of the actions it ran, in order. */
  iterationSignatures: readonly string[];
  /** One stable hash per iteration of what Observe returned. */
  observationHashes: readonly string[];
}

/** Why the detector thinks the agent is stuck. */
export interface StuckVerdict {
  kind: 'repeated-failure' | 'alternation' | 'no-progress';
  /** One line for the event log and the note to the next attempt. */
  message: string;
}

/** The signature of an action call: its name and canonical arguments. */
export function actionSignature(action: string, args: unknown): string {
  return `${action} ${canonicalJson(args) ?? ''}`;
}

/**
 * Decides whether an attempt is stuck, by three rules after OpenHands and Magentic-One:
 * (a) the last `repeatedFailureLimit` failed actions are the same call failing the same way;
 * (b) iteration plans alternate A-B-A-B; (c) Observe saw nothing new for `stallIterations`.
 * Pure: the same history always gives the same verdict.
 */
export function detectStuck(
  history: StuckHistory,
  settings: StuckDetectorSettings = DEFAULT_STUCK_DETECTOR_SETTINGS,
): StuckVerdict | undefined {
  const failures = history.actions.filter((action) => !action.success);
  const lastFailures = failures.slice(-settings.repeatedFailureLimit);
  if (
    lastFailures.length === settings.repeatedFailureLimit &&
    lastFailures.every(
      (f) => f.signature === lastFailures[0]!.signature && f.error === lastFailures[0]!.error,
    )
  ) {
    const [first] = lastFailures;
    return {
      kind: 'repeated-failure',
      message: `the same action failed the same way ${settings.repeatedFailureLimit} times: ${first!.signature} -> ${first!.error}`,
    };
  }

  const recent = history.iterationSignatures.slice(-settings.alternationLength);
  if (
    recent.length === settings.alternationLength &&
    recent[0] !== recent[1] &&
    recent.every((signature, i) => signature === recent[i % 2])
  ) {
    return {
      kind: 'alternation',
      message: `the plans alternated between two attempts for ${settings.alternationLength} iterations: [${recent[0]}] and [${recent[1]}]`,
    };
  }

  const observed = history.observationHashes.slice(-settings.stallIterations);
  if (
    observed.length === settings.stallIterations &&
    observed.every((hash) => hash === observed[0])
  ) {
    return {
      kind: 'no-progress',
      message: `nothing new was observed for ${settings.stallIterations} iterations`,
    };
  }
  return undefined;
}
