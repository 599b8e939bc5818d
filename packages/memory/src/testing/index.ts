export * from './memory-store-conformance.js';
export * from './run-fact-store-conformance.js';
