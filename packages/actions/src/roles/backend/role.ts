import { defineRole } from '../role-definition.js';
import { BACKEND_EXAMPLE, BACKEND_PROMPT } from './prompt.js';
import { backendToolkit } from './toolkit.js';

/** The backend role, as ROLE_DEFINITIONS registers it. */
export const backendRole = defineRole({
  role: 'backend',
  summary: 'Python projects: virtual environments, pip dependencies, requirements.txt',
  prompt: BACKEND_PROMPT,
  example: BACKEND_EXAMPLE,
  toolkit: backendToolkit,
});
