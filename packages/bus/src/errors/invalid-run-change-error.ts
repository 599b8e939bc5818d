import { CodegodError } from '@codegod/protocol';

/** A run change (start, extend, finish) would break the run: bad graph, unknown task, ended run. */
export class InvalidRunChangeError extends CodegodError {
  constructor(problem: string) {
    super('run-change-invalid', `Invalid run change: ${problem}. Fix the task graph and retry.`);
  }
}
