export * from './memory-store-conformance.js';
