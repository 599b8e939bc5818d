export * from './define-settings.js';
export * from './listener-settings.js';
export * from './logger.js';
export * from './settings.js';
export * from './stop-signals.js';
