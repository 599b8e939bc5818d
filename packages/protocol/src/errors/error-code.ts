/**
 * Every code a codegod error carries: stable, machine-readable, one per failure. A new failure
 * gets a member here, and the type checker then asks each mapping (the CLI's exit codes) for it.
 */
export const ERROR_CODES = [
  // Settings and input the user gave.
  'config-invalid',
  'usage',
  'plan-file-unreadable',
  'plan-file-invalid',
  'rules-file-invalid',
  // The LLM server or engine.
  'llm-unavailable',
  'llm-timeout',
  'llm-aborted',
  'llm-request-rejected',
  'llm-server-error',
  'llm-model-not-found',
  'llm-reply-invalid',
  'llm-reply-too-large',
  'llm-engine-error',
  // Runs, tasks and the bus.
  'decomposition-invalid',
  'run-not-found',
  'run-exists',
  'run-change-invalid',
  'task-budget',
  'task-non-retryable',
  'report-not-written',
  'bus-closed',
  // Agents.
  'agent-stop',
  'agent-busy',
  'agent-unknown',
  // The sandbox and the actions.
  'sandbox-unavailable',
  'docker-unavailable',
  'command-not-allowed',
  'unsafe-argument',
  'path-outside-workspace',
  'tool-use-refused',
  // Agent memory.
  'memory-not-found',
  'memory-checkpoint-unknown',
  'memory-agent-id-invalid',
  'memory-corrupt',
  'memory-transaction-aborted',
  // The fleet.
  'no-fleet',
  'fleet-unreachable',
  'fleet-not-up',
  'fleet-failed',
  'master-absent',
  // Model downloads.
  'download-failed',
  'download-interrupted',
  'checksum-mismatch',
] as const;

/** The code of a codegod error. */
export type ErrorCode = (typeof ERROR_CODES)[number];
