import { tmpdir } from 'node:os';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { resolveSandboxOptions, type SandboxOptions } from '../sandbox/sandbox-options.js';

/** Settings every toolkit passes on to its sandboxes. */
export type ToolkitOptions = Omit<SandboxOptions, 'workspace' | 'allowlist'>;

/** Makes sandboxes over a task's workspace with one role's allowlist. */
export type SandboxFactory = (workspace: string) => Sandbox;

/** Checks `options` now, so a bad value fails when the toolkit is built, not mid-task. */
export function sandboxFactory(
  allowlist: readonly string[],
  options: ToolkitOptions = {},
): SandboxFactory {
  resolveSandboxOptions({ ...options, workspace: tmpdir(), allowlist });
  return (workspace) => createSandbox({ ...options, workspace, allowlist });
}
