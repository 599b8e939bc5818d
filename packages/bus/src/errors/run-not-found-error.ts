import { CodegodError } from '@codegod/protocol';

/** The bus knows no run with this id. */
export class RunNotFoundError extends CodegodError {
  /** The id that was asked for. */
  readonly runId: string;

  constructor(runId: string) {
    super('run-not-found', `No run "${runId}" on this bus; list runs to see the known ids.`);
    this.runId = runId;
  }
}
