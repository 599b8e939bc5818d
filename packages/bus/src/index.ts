export * from './task-bus.js';
