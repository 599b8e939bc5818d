import { CodegodError } from '@codegod/protocol';

/** A plan asked to run an executable that is not on the role's allowlist. */
export class CommandNotAllowedError extends CodegodError {
  /** The executable as the plan gave it. */
  readonly command: string;

  constructor(command: string, allowlist: readonly string[]) {
    super(
      'command-not-allowed',
      `Command ${JSON.stringify(command)} is not on this role's allowlist; ` +
        `use one of: ${allowlist.join(', ')}.`,
    );
    this.command = command;
  }
}
