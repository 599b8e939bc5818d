import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcceptanceCheck,
  acceptanceCheckSchema,
  type CheckResult,
  describeCheck,
  formatArgv,
  proofOf,
  shellCommandCheck,
  workspacePathProblem,
} from './acceptance.js';
import { validateTaskGraph } from './validate-task-graph.js';

const task = (acceptance: unknown) => ({
  tasks: [{ id: 'a', description: 'x', role: 'backend', depends_on: [], acceptance }],
});

const errorsOf = (acceptance: unknown) => {
  const result = validateTaskGraph(task(acceptance));
  return result.ok ? [] : result.errors;
};

describe('acceptance checks in validateTaskGraph', () => {
  it('keeps valid checks of every type on the task, and tasks without checks as they are', () => {
    const checks: AcceptanceCheck[] = [
      { type: 'command', argv: ['venv/bin/python', '-c', 'import app'], cwd: 'app' },
      { type: 'file', path: 'app.py', content_regex: '@app\\.route\\("/health"\\)' },
      { type: 'http', service: ['python3', 'app.py'], port: 5000, path: '/health', status: 200 },
    ];
    const result = validateTaskGraph(task(checks));
    expect(result.errors).toEqual([]);
    expect(result.ok && result.graph.tasks[0]?.acceptance).toEqual(checks);
    const bare = validateTaskGraph({
      tasks: [{ id: 'a', description: 'x', role: 'backend', depends_on: [] }],
    });
    expect(bare.ok && 'acceptance' in bare.graph.tasks[0]!).toBe(false);
  });

  it.each([
    [[{ type: 'command', argv: [] }], 'acceptance[0].argv: must name a program'],
    [[{ type: 'command', argv: [''] }], 'acceptance[0].argv: must start with a program name'],
    [[{ type: 'file', path: '/etc/passwd' }], 'acceptance[0].path: must be relative'],
    [[{ type: 'file', path: 'app/../../x' }], 'acceptance[0].path: must stay inside'],
    [[{ type: 'file', path: '~/.ssh/id_rsa' }], 'acceptance[0].path: must be relative'],
    [[{ type: 'command', argv: ['ls'], cwd: '..' }], 'acceptance[0].cwd: must stay inside'],
    [[{ type: 'command', argv: ['ls'], timeout_ms: 0 }], 'acceptance[0].timeout_ms'],
    [[{ type: 'command', argv: ['ls'], timeout_ms: 86_400_000 }], 'acceptance[0].timeout_ms'],
    [[{ type: 'command', argv: ['ls'], stdout_regex: '(' }], 'not a valid regular expression'],
    [[{ type: 'http', service: ['x'], port: 70_000 }], 'acceptance[0].port'],
    [[{ type: 'http', service: ['x'], port: 80, path: 'health' }], 'must start with "/"'],
    [[{ type: 'shell', line: 'ls' }], 'acceptance[0].type'],
    [[{ type: 'file', path: 'a', expect: 'typo' }], 'acceptance[0]'],
    ['ls', '"acceptance" must be an array'],
  ])('rejects %j with a message naming the field', (acceptance, expected) => {
    const errors = errorsOf(acceptance);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'invalid-check', task_ids: ['a'] });
    expect(errors[0]?.message).toContain(expected);
    expect(errors[0]?.message.startsWith('task "a": ')).toBe(true);
  });

  it('keeps the error text bounded for hostile input', () => {
    const huge = 'x'.repeat(100_000);
    const many = Array.from({ length: 20 }, () => ({ type: 'file', path: `/${huge}` }));
    const [error] = errorsOf(many);
    expect(error?.message.length).toBeLessThan(1500);
    expect(error?.message).toMatch(/\(and 35 more\)$/);
    const [tooMany] = errorsOf(Array.from({ length: 21 }, () => ({ type: 'file', path: 'a' })));
    expect(tooMany?.message).toContain('at most 20');
    const [badRegex] = errorsOf([{ type: 'file', path: 'a', content_regex: `(${huge}` }]);
    expect(badRegex?.message.length).toBeLessThan(400);
  });

  it('accepts exactly the relative paths that stay inside the workspace', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'src', '.', '..', '.venv', 'x.py'), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.constantFrom('', '/', '~'),
        (segments, prefix) => {
          const path = prefix + segments.join('/');
          const inside = prefix === '' && !segments.includes('..');
          expect(workspacePathProblem(path) === undefined).toBe(inside);
        },
      ),
    );
  });
});

describe('describeCheck and proofOf', () => {
  it('says what each check runs, quoting arguments as a shell would read them', () => {
    expect(describeCheck(shellCommandCheck('cd app && pytest -q'))).toBe(
      "sh -c 'cd app && pytest -q'",
    );
    expect(formatArgv(['python', '-c', "print('hi')"])).toBe(`python -c 'print('\\''hi'\\'')'`);
    expect(describeCheck({ type: 'file', path: 'app.py' })).toBe('file app.py exists');
    expect(
      describeCheck({ type: 'http', service: ['node', 'server.js'], port: 8080, path: '/ok' }),
    ).toBe('GET http://127.0.0.1:8080/ok -> 200 (service: node server.js)');
    expect(acceptanceCheckSchema.parse(shellCommandCheck('true', 5000))).toMatchObject({
      timeout_ms: 5000,
    });
  });

  it('calls a validation verified only when it ran checks and all passed', () => {
    const result = (passed: boolean): CheckResult => ({
      check: { type: 'file', path: 'a' },
      ran: 'file a exists',
      passed,
      exit_code: null,
      reason: '',
      output: '',
      duration_ms: 1,
    });
    expect(proofOf([])).toBe('unverified');
    expect(proofOf([result(true), result(true)])).toBe('verified');
    expect(proofOf([result(true), result(false)])).toBe('unverified');
  });
});
