import { CodegodError } from '@codegod/protocol';

/** Stored memory did not parse as an AgentMemory; it was written by something else. */
export class MemoryCorruptError extends CodegodError {
  /** Where the bad data lives, e.g. a Redis key or a file path. */
  readonly location: string;

  constructor(location: string, problem: string, cause?: unknown) {
    super(
      'memory-corrupt',
      `The memory stored at ${location} is not a valid AgentMemory (${problem}). ` +
        'Inspect it, then overwrite it with save() or delete it.',
      { cause },
    );
    this.location = location;
  }
}
