import { CodegodError } from '@codegod/protocol';

/** A command argument contains shell metacharacters, a sign of a plan trying shell tricks. */
export class UnsafeArgumentError extends CodegodError {
  /** The offending argument. */
  readonly argument: string;

  constructor(argument: string, found: string) {
    super(
      'unsafe-argument',
      `Argument ${JSON.stringify(argument)} contains ${JSON.stringify(found)}; commands run ` +
        'without a shell, so pipes, redirects, chaining and substitution are refused. ' +
        'Pass each argument separately and use one action per command.',
    );
    this.argument = argument;
  }
}
