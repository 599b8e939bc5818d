import { llmCheck } from '@codegod/agents/testing';
import { toStrictJsonSchema } from '@codegod/llm';
import {
  decomposeMessages,
  fromLlmCheck,
  llmCheckSchema,
  llmTaskGraphSchema,
  ROLE_CHECK_EXAMPLES,
  shellCheckErrors,
  toLlmCheck,
} from '@codegod/orchestrator';
import { type AcceptanceCheck, acceptanceCheckSchema } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';

const full: AcceptanceCheck[] = [
  {
    type: 'command',
    argv: ['venv/bin/python', '-m', 'pytest', '-q'],
    cwd: 'app',
    exit_code: 0,
    stdout_regex: 'passed',
    stderr_regex: '^$',
    timeout_ms: 60_000,
  },
  { type: 'file', path: 'app.py', content_regex: '@app\\.route' },
  {
    type: 'http',
    service: ['node', 'server.js'],
    cwd: 'web',
    port: 3000,
    method: 'POST',
    path: '/api/items',
    status: 201,
    body_regex: '"id"',
    startup_timeout_ms: 5000,
    timeout_ms: 2000,
  },
  { type: 'command', argv: ['npm', 'test'] },
];

describe('checks in the LLM shape', () => {
  it('round-trip: every field written, nulls for the defaults, and back unchanged', () => {
    for (const check of full) {
      const written = toLlmCheck(check);
      expect(llmCheckSchema.parse(written)).toEqual(written);
      expect(fromLlmCheck(written)).toEqual(check);
      // The test helper writes replies in the same shape as the prompt's examples.
      expect(llmCheck(check)).toEqual(written);
    }
    expect(toLlmCheck({ type: 'file', path: 'a' })).toEqual({
      type: 'file',
      path: 'a',
      content_regex: null,
    });
  });

  // A role may have no example (a new one need not touch the master's prompt); these must be good.
  it('has valid, shell-free example checks in the prompt', () => {
    const prompt = decomposeMessages('x')[0]?.content ?? '';
    expect(Object.keys(ROLE_CHECK_EXAMPLES).length).toBeGreaterThan(0);
    for (const [role, examples] of Object.entries(ROLE_CHECK_EXAMPLES)) {
      expect(examples.length, role).toBeGreaterThan(0);
      for (const check of examples) {
        expect(acceptanceCheckSchema.parse(check)).toEqual(check);
        expect(prompt).toContain(`- ${role}: ${JSON.stringify(toLlmCheck(check))}`);
      }
      expect(shellCheckErrors(examples, { label: role, taskIds: [] })).toEqual([]);
    }
  });

  it('sends a strict schema: a check per task required, unions as anyOf (strict mode has no oneOf)', () => {
    const schema = JSON.stringify(toStrictJsonSchema(llmTaskGraphSchema));
    expect(schema).toContain('"acceptance":{"minItems":1');
    expect(schema).toContain('"anyOf"');
    expect(schema).not.toContain('"oneOf"');
  });

  it('names checks that start a shell, by path too', () => {
    const errors = shellCheckErrors(
      [
        { type: 'command', argv: ['/bin/bash', '-c', 'ls'] },
        { type: 'http', service: ['sh', 'serve.sh'], port: 80 },
        { type: 'command', argv: ['python3', '-c', 'print(1)'] },
      ],
      { label: 'task "a"', taskIds: ['a'] },
    );
    expect(errors.map((e) => e.message.split(';')[0])).toEqual([
      'task "a": acceptance[0] starts the shell bash',
      'task "a": acceptance[1] starts the shell sh',
    ]);
  });
});
