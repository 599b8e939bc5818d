export * from './file-toolkit.js';
export * from './scripted-replies.js';
