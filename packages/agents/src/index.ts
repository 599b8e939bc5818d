export * from './agent.js';
export * from './agent-limits.js';
export type { StopReason } from './agent-stop.js';
export * from './llm-plan-schema.js';
export * from './prompt-builder.js';
export * from './stable-hash.js';
export * from './stuck-detector.js';
export type { RunTaskOptions } from './task-run.js';
