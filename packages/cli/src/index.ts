export * from './plan-file.js';
export * from './program.js';
