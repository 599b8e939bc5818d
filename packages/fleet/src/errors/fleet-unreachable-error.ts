import { CodegodError } from '@codegod/protocol';

/** Raised when the fleet's Redis cannot be reached. */
export class FleetUnreachableError extends CodegodError {
  constructor(url: string, cause: unknown) {
    super(
      'fleet-unreachable',
      `Cannot reach Redis at ${url}. Start the fleet with ./start-agents.sh up, or unset REDIS_URL to run embedded.`,
      { isRetryable: true, cause },
    );
  }
}
