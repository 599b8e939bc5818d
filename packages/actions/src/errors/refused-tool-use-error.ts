import { CodegodError } from '@codegod/protocol';

/**
 * A command would use a tool in a way that reaches outside the workspace (pip `--user` or
 * `config`, npm `--global` or `config`, a requirements file naming another index or target).
 */
export class RefusedToolUseError extends CodegodError {
  constructor(problem: string) {
    super('tool-use-refused', `${problem} Work inside the workspace with the role's actions.`);
  }
}
