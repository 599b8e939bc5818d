export * from './file-toolkit.js';
