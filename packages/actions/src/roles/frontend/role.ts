import { defineRole } from '../role-definition.js';
import { FRONTEND_EXAMPLE, FRONTEND_PROMPT } from './prompt.js';
import { frontendToolkit } from './toolkit.js';

/** The frontend role, as ROLE_DEFINITIONS registers it. */
export const frontendRole = defineRole({
  role: 'frontend',
  summary: 'Node projects: npm packages and scripts, package.json, the entry point, builds',
  prompt: FRONTEND_PROMPT,
  example: FRONTEND_EXAMPLE,
  toolkit: frontendToolkit,
});
