export * from './dashboard-api.js';
export * from './dashboard-handler.js';
export * from './dashboard-settings.js';
export * from './dashboard-sources.js';
export * from './dashboard-views.js';
export * from './serve-dashboard.js';
export * from './task-waves.js';
