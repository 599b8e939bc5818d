import { CodegodError, cappedList, type TaskGraphError } from '@codegod/protocol';

/** How many of the last graph's problems the message names; the rest are counted. */
const NAMED_PROBLEMS = 3;

/** The LLM could not produce a valid task graph within the allowed repairs. */
export class DecompositionError extends CodegodError {
  /** The problems of the last graph the LLM returned. */
  readonly errors: TaskGraphError[];

  constructor(attempts: number, errors: TaskGraphError[]) {
    const details = cappedList(
      errors.map((e) => e.message),
      NAMED_PROBLEMS,
      (count) => `and ${count} more problems`,
    ).join('; ');
    super(
      'decomposition-invalid',
      `The LLM's task graph was still invalid after ${attempts} attempts: ${details}. ` +
        'Rephrase the problem, use a larger model, or pass a plan file with --plan.',
    );
    this.errors = errors;
  }
}
