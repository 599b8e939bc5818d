import { CodegodError } from '@codegod/protocol';

/** An agent id that cannot safely name memory keys or files. */
export class InvalidAgentIdError extends CodegodError {
  constructor(agentId: string) {
    super(
      'memory-agent-id-invalid',
      `Invalid agent id ${JSON.stringify(agentId)}: use 1-128 letters, digits, "_", "." and "-", ` +
        'starting with a letter or digit.',
    );
  }
}
