export * from './exit-code.js';
export * from './plan-file.js';
export * from './program.js';
