import { CodegodError } from '@codegod/protocol';

/** A run with this id was already started; run ids are never reused. */
export class RunExistsError extends CodegodError {
  /** The id that is taken. */
  readonly runId: string;

  constructor(runId: string) {
    super('run-exists', `Run "${runId}" already exists; start the run under a new id.`);
    this.runId = runId;
  }
}
