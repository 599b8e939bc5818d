// The TokenMeter port lives in protocol; re-exported for the LLM client's users.
export {
  addUsage,
  emptyUsage,
  type TokenLabels,
  type TokenMeter,
  type TokenUsage,
} from '@codegod/protocol';
export * from './bounded-fetch.js';
export * from './build-messages.js';
export * from './create-llm-client.js';
export * from './embedded/create-embedded-llm-client.js';
export * from './embedded/embedded-llm-client.js';
export * from './embedded/embedded-llm-client-options.js';
export * from './embedded/engine-json-schema.js';
export * from './embedded/local-engine.js';
export * from './embedded/node-llama-cpp-engine.js';
export * from './errors/llm-aborted-error.js';
export * from './errors/llm-call-error.js';
export * from './errors/llm-engine-error.js';
export * from './errors/llm-model-not-found-error.js';
export * from './errors/llm-reply-invalid-error.js';
export * from './errors/llm-reply-too-large-error.js';
export * from './errors/llm-request-rejected-error.js';
export * from './errors/llm-server-error.js';
export * from './errors/llm-timeout-error.js';
export * from './errors/llm-unavailable-error.js';
export { MAX_REPAIR_ECHO_CHARS } from './generate-with-repairs.js';
export * from './in-memory-token-meter.js';
export * from './llm-client.js';
export * from './llm-client-options.js';
export * from './plausible-usage.js';
export * from './redacting-llm-client.js';
export * from './schema-dialect.js';
export * from './server-kind.js';
export * from './strict-json-schema.js';
