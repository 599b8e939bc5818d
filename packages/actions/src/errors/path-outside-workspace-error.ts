import { CodegodError } from '@codegod/protocol';

/** A path given to an action resolves outside the task's workspace (by `..`, absolute or symlink). */
export class PathOutsideWorkspaceError extends CodegodError {
  /** The path as the plan gave it. */
  readonly path: string;
  /** The workspace it had to stay in. */
  readonly workspace: string;

  constructor(path: string, workspace: string, resolved: string) {
    super(
      'path-outside-workspace',
      `Path ${JSON.stringify(path)} resolves to ${resolved}, outside the workspace ${workspace}; ` +
        'use a path relative to the workspace that does not leave it (no "..", no symlinks out).',
    );
    this.path = path;
    this.workspace = workspace;
  }
}
