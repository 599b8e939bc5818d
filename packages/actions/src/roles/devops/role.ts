import { defineRole } from '../role-definition.js';
import { DEVOPS_EXAMPLE, DEVOPS_PROMPT } from './prompt.js';
import { devopsToolkit } from './toolkit.js';

/** The devops role, as ROLE_DEFINITIONS registers it. */
export const devopsRole = defineRole({
  role: 'devops',
  summary: 'Dockerfiles, images, containers, .env files, deployment',
  prompt: DEVOPS_PROMPT,
  example: DEVOPS_EXAMPLE,
  toolkit: devopsToolkit,
});
