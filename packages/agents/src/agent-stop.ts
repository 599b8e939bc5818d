import { CodegodError } from '@codegod/protocol';

/** Why a task ended without passing validation. */
export type StopReason =
  | 'max iterations'
  | 'stuck after wipes'
  | 'token budget'
  | 'time budget'
  | 'llm error';

/**
 * Ends a task run early with a reason. The agent catches it and returns a failed Result;
 * it never leaves `Agent.run`.
 */
export class AgentStop extends CodegodError {
  /** The bound or failure that ended the task. */
  readonly reason: StopReason;

  constructor(reason: StopReason, detail: string) {
    super('agent-stop', `${reason}: ${detail}`);
    this.reason = reason;
  }
}
