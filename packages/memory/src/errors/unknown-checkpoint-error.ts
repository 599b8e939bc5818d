import { CodegodError } from '@codegod/protocol';

/** `restore` was given a checkpoint id that never existed, or whose TTL ran out. */
export class UnknownCheckpointError extends CodegodError {
  /** The agent whose checkpoint was asked for. */
  readonly agentId: string;
  /** The checkpoint id that was not found. */
  readonly checkpointId: string;

  constructor(agentId: string, checkpointId: string) {
    super(
      'memory-checkpoint-unknown',
      `Agent "${agentId}" has no checkpoint "${checkpointId}": it never existed or it expired. ` +
        'List the live ones with listCheckpoints().',
    );
    this.agentId = agentId;
    this.checkpointId = checkpointId;
  }
}
