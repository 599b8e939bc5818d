export * from './errors/invalid-run-change-error.js';
export * from './errors/run-exists-error.js';
export * from './errors/run-not-found-error.js';
export * from './scheduler-core.js';
export * from './task-bus.js';
