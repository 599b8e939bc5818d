export * from './fixtures.js';
export * from './task-bus-conformance.js';
