export * from './llm-client-conformance.js';
export * from './load-rules-file.js';
export * from './minimal-json-value.js';
export * from './scripted-llm-client.js';
export * from './scripted-llm-server.js';
export * from './scripted-local-engine.js';
export * from './scripted-rule.js';
export * from './token-meter-conformance.js';
