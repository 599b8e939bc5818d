// @codegod/orchestrator: the master's logic (decomposition, replanning, run acceptance, stalls,
// budgets, run reports) and the ports it works through. The wiring is in @codegod/fleet.
export * from './build-run-report.js';
export * from './decompose.js';
export * from './errors/decomposition-error.js';
export * from './llm-checks.js';
export * from './orchestrator.js';
export * from './orchestrator-options.js';
export * from './prompts/master-prompts.js';
export * from './redact-run-report.js';
export * from './replan.js';
export * from './report-store.js';
export * from './retrying-llm-client.js';
export * from './run-checks.js';
export * from './run-proof.js';
export * from './run-workspaces.js';
export * from './workspace-redactor.js';
export * from './workspace-surveyor.js';
