/**
 * The port through which the master hides secrets: its prompts, notices, failure reasons and
 * run reports pass through it. `createRedactor` of @codegod/actions implements it.
 */
export interface Redactor {
  /** `text` with every known secret replaced. */
  redact(text: string): string;
  /** A copy of `value` with every string in it redacted, to any depth. */
  redactValue<T>(value: T): T;
}

/**
 * A Redactor over one workspace's secrets (`.env*` values, private keys, well-known token
 * shapes); `createWorkspaceRedactor` of @codegod/actions implements it.
 */
export interface WorkspaceRedactor extends Redactor {
  /** Reads the workspace's secrets again: agents may have written new ones since. */
  refresh(): Promise<void>;
}

/**
 * Makes the redactor of a workspace. The master asks for `/nonexistent` when it knows no
 * workspace: the result then hides the environment's values and secret shapes only.
 */
export type WorkspaceRedactorFactory = (workspace: string) => WorkspaceRedactor;
