import { ROLE_DEFINITIONS } from '@codegod/actions';
import type { Result } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import {
  buildAgentMessages,
  describeActionCatalogue,
  type IterationFailure,
  PROMPT_FAILURES_SHOWN,
  type PromptInput,
} from './prompt-builder.js';
import { readFileAction, writeFileAction } from './testing/index.js';

const catalogue = describeActionCatalogue([writeFileAction, readFileAction]);
const failure = (iteration: number): IterationFailure => ({
  iteration,
  failedAction: { action: 'read_file', args: { path: 'x' }, output: `error ${iteration}` },
  validation: `invalid ${iteration}`,
});
const dependency: Result = {
  success: true,
  output: 'venv ready',
  reasoning: null,
  actions_taken: [],
  validation: { valid: true, output: 'ok', checks: [] },
};
const input = (overrides: Partial<PromptInput> = {}): PromptInput => ({
  systemPrompt: ROLE_DEFINITIONS.backend.prompt,
  catalogue,
  knowledge: {},
  task: { id: 't1', description: 'Do it', role: 'backend', depends_on: ['setup'] },
  observation: { findings: ['nothing yet'] },
  failures: [],
  notes: [],
  ...overrides,
});

describe('describeActionCatalogue', () => {
  it('lists every action with its description and argument schema', () => {
    expect(catalogue).toContain('- write_file: Write a text file');
    expect(catalogue).toContain('- read_file: Read a text file');
    expect(catalogue).toMatch(/"required":\["path","content"\]/);
    expect(catalogue).not.toContain('$schema');
  });
});

describe('buildAgentMessages', () => {
  it('keeps the system message identical across tasks, for prefix caching', () => {
    const a = buildAgentMessages(input());
    const b = buildAgentMessages(input({ task: { ...input().task, id: 't2' } }));
    expect(a[0]).toEqual(b[0]);
    expect(a[0]).toEqual({
      role: 'system',
      content: `${ROLE_DEFINITIONS.backend.prompt}\n\n${catalogue}`,
    });
    expect(a).toHaveLength(2);
    expect(a[1]!.content).not.toEqual(b[1]!.content);
  });

  it('puts task, dependencies, observation, notes and recent failures in the user message', () => {
    const failures = [1, 2, 3, 4, 5].map(failure);
    const [, user] = buildAgentMessages(
      input({
        knowledge: { python: '3.11' },
        dependencies: { setup: dependency },
        failures,
        notes: ['Attempt 1 was stuck: same failure'],
      }),
    );
    const content = user!.content;
    const order = [
      'Knowledge:',
      'Task:',
      'Results of the tasks',
      'Observation:',
      'Earlier attempts',
      'Failures so far:',
      'Reply with one JSON object: the reasoning fields first, then the plan.',
    ];
    const positions = order.map((marker) => content.indexOf(marker));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(content).toContain('- setup: done: venv ready');
    expect(content).toContain('"python": "3.11"');
    // Only the most recent failures are shown.
    expect(PROMPT_FAILURES_SHOWN).toBe(3);
    expect(content).not.toContain('Iteration 2:');
    expect(content).toContain(
      'Iteration 3: Action read_file {"path":"x"} failed: error 3. Validation: invalid 3',
    );
    expect(content).toContain('Iteration 5:');
  });

  it("says the task's acceptance checks decide when it is done, only when it has some", () => {
    const note = 'The task is done only when every check in its "acceptance" passes';
    const acceptance = [{ type: 'file' as const, path: 'app.py', content_regex: '/health' }];
    const task = { id: 't1', description: 'Add /health', role: 'backend' as const, depends_on: [] };
    const [, checked] = buildAgentMessages(input({ task: { ...task, acceptance } }));
    expect(checked!.content).toContain(note);
    expect(checked!.content).toContain('"content_regex": "/health"');
    const [, unchecked] = buildAgentMessages(input({ task }));
    expect(unchecked!.content).not.toContain(note);
  });

  it('asks for the reasoning and the plan in one reply, reasoning first', () => {
    const [, user] = buildAgentMessages(input());
    expect(user!.content.endsWith('the reasoning fields first, then the plan.')).toBe(true);
    expect(user!.content).not.toContain('Knowledge:');
  });
});
