export * from './logger.js';
export * from './settings.js';
