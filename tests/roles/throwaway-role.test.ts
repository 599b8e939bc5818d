import {
  backendToolkit,
  defineAction,
  defineRole,
  describeRoleCapabilities,
  isRegisteredRole,
  ROLE_DEFINITIONS,
  registeredRoles,
  rolePrompt,
  type WorkedExample,
} from '@codegod/actions';
import { decomposeMessages } from '@codegod/orchestrator';
import { WORKER_ROLES } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// Adding a role is one folder (actions, toolkit, prompt) plus one line in ROLE_DEFINITIONS.
// Here the folder is written inline and the line is a spread: every list that must name the
// roles is derived from the record, so the new role shows up without touching anything else.

/** The docs role's one action of its own (its "actions.ts"). */
const writeReadme = defineAction({
  name: 'write_readme',
  description: 'Write README.md from a title and sections.',
  input: z.object({ title: z.string(), sections: z.array(z.string()).default([]) }),
  run: async ({ title }) => ({ success: true, output: `wrote README.md (${title})` }),
});

/** Its "prompt.ts": who it is and its worked example. */
const example: WorkedExample = {
  ...ROLE_DEFINITIONS.backend.example,
  task: { description: 'The project has no README' },
  plan: {
    steps: [
      {
        action: 'write_readme',
        target: 'README.md',
        method: 'from the survey',
        expected: 'README.md exists',
        args: { title: 'app' },
      },
    ],
    estimated_duration: '1 minute',
    confidence: 0.9,
  },
};

/** Its "role.ts": the one value the registry line names. */
const docsRole = defineRole({
  role: 'docs',
  summary: 'READMEs and guides',
  prompt: rolePrompt('You are the docs agent of codegod. You write READMEs and guides.', example),
  example,
  // Its "toolkit.ts": the backend's sandbox and observer, its own action plus read_file.
  toolkit: (options) => {
    const base = backendToolkit(options);
    const readFile = base.actions.filter((action) => action.name === 'read_file');
    return { ...base, role: 'docs', actions: [writeReadme, ...readFile] };
  },
});

/** The registry with the one new line. */
const definitions = { ...ROLE_DEFINITIONS, docs: docsRole };

describe('a throwaway role registered with one line', () => {
  it("is in the master's capability list, with the actions its toolkit has", () => {
    const capabilities = describeRoleCapabilities(definitions);
    expect(capabilities.split('\n').at(-1)).toBe(
      '- docs: READMEs and guides. Actions: write_readme, read_file.',
    );
    // The four roles' lines are untouched by the addition.
    expect(capabilities.startsWith(describeRoleCapabilities(ROLE_DEFINITIONS))).toBe(true);
    // The wiring hands the list to the master, whose system prompt carries it.
    const [system] = decomposeMessages('Write the README', { roleCapabilities: capabilities });
    expect(system?.role).toBe('system');
    expect(system?.content).toContain(capabilities);
    expect(decomposeMessages('Write the README')[0]?.content).not.toContain('docs');
  });

  it("is one of the worker's roles, and its toolkit is the docs role's", () => {
    expect(registeredRoles(definitions)).toEqual([...WORKER_ROLES, 'docs']);
    expect(isRegisteredRole(definitions, 'docs')).toBe(true);
    expect(isRegisteredRole(ROLE_DEFINITIONS, 'docs')).toBe(false);
    const toolkit = definitions.docs.toolkit({ sandbox: 'none', env: {} });
    expect(toolkit.role).toBe('docs');
    expect(definitions.docs.prompt.startsWith('You are the docs agent of codegod.')).toBe(true);
  });

  it("gives the master the registered roles' real actions", () => {
    const capabilities = describeRoleCapabilities(ROLE_DEFINITIONS);
    for (const role of WORKER_ROLES) {
      const names = ROLE_DEFINITIONS[role]
        .toolkit({ sandbox: 'none', env: {} })
        .actions.map((action) => action.name);
      expect(capabilities).toContain(
        `- ${role}: ${ROLE_DEFINITIONS[role].summary}. Actions: ${names.join(', ')}.`,
      );
    }
  });
});
