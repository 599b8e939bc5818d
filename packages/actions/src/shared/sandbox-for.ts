import { tmpdir } from 'node:os';
import type { SandboxKind } from '../sandbox/command-runner.js';
import { type Sandbox, sandboxMaker } from '../sandbox/sandbox.js';
import { resolveSandboxOptions, type SandboxOptions } from '../sandbox/sandbox-options.js';

/** Settings every toolkit passes on to its sandboxes. */
export type ToolkitOptions = Omit<SandboxOptions, 'workspace' | 'allowlist'>;

/** Makes sandboxes over a task's workspace with one role's allowlist. */
export interface SandboxFactory {
  (workspace: string): Sandbox;
  /** How the sandboxes' commands are confined. */
  readonly kind: SandboxKind;
}

/**
 * Checks `options` now, so a bad value (or a sandbox that cannot work here) fails when the
 * toolkit is built, not mid-task. Every sandbox of the toolkit shares the one runner.
 */
export function sandboxFactory(
  allowlist: readonly string[],
  options: ToolkitOptions = {},
): SandboxFactory {
  const { runner } = resolveSandboxOptions({ ...options, workspace: tmpdir(), allowlist });
  const factory = sandboxMaker({ ...options, runner, allowlist });
  return Object.assign(factory, { kind: runner.kind });
}
