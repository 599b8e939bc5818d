import { defineRole } from '../role-definition.js';
import { TESTING_EXAMPLE, TESTING_PROMPT } from './prompt.js';
import { testingToolkit } from './toolkit.js';

/** The testing role, as ROLE_DEFINITIONS registers it. */
export const testingRole = defineRole({
  role: 'testing',
  summary:
    'test suites (pytest, unittest, npm test, node --test), syntax checks, failures turned into findings',
  prompt: TESTING_PROMPT,
  example: TESTING_EXAMPLE,
  toolkit: testingToolkit,
});
