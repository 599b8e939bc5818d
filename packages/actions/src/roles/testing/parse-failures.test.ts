import { describe, expect, it } from 'vitest';
import { describeFinding, parseFailures } from './parse-failures.js';
import { parseTestCounts } from './test-command.js';

describe('parseFailures', () => {
  it('turns a Python traceback into a missing-module finding with its location', () => {
    const findings = parseFailures(
      [
        'Traceback (most recent call last):',
        '  File "/w/app.py", line 1, in <module>',
        '    from flask import Flask',
        "ModuleNotFoundError: No module named 'flask'",
      ].join('\n'),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'missing-module',
        subject: 'flask',
        location: '/w/app.py:1',
      }),
    ]);
    expect(describeFinding(findings[0]!)).toContain('install flask');
  });

  it('recognises Node, npm, syntax and assertion failures, once each', () => {
    const kinds = parseFailures(
      [
        "Error: Cannot find module 'express'",
        "Error: Cannot find module 'express'",
        'npm ERR! Missing script: "build"',
        'SyntaxError: invalid syntax',
        'AssertionError: 4 != 5',
        "ImportError: cannot import name 'add' from 'calc'",
        'ValueError: bad value',
      ].join('\n'),
    ).map((f) => [f.kind, f.subject]);
    expect(kinds).toEqual([
      ['missing-module', 'express'],
      ['missing-script', 'build'],
      ['syntax-error', undefined],
      ['assertion-failed', '4 != 5'],
      ['missing-name', 'add'],
      ['exception', undefined],
    ]);
  });

  it('finds nothing in clean output', () => {
    expect(parseFailures('all good\n3 passed in 0.1s')).toEqual([]);
  });
});

describe('parseTestCounts', () => {
  it('reads pytest, unittest and node --test summaries', () => {
    expect(parseTestCounts('==== 2 passed, 1 failed, 1 error in 0.12s ====')).toEqual({
      passed: 2,
      failed: 1,
      errors: 1,
    });
    expect(parseTestCounts('Ran 3 tests in 0.001s\n\nFAILED (failures=1, errors=1)')).toEqual({
      passed: 1,
      failed: 1,
      errors: 1,
    });
    expect(parseTestCounts('Ran 2 tests in 0.001s\n\nOK')).toEqual({
      passed: 2,
      failed: 0,
      errors: 0,
    });
    expect(parseTestCounts('# tests 3\n# pass 2\n# fail 1\n')).toEqual({
      passed: 2,
      failed: 1,
      errors: 0,
    });
    expect(parseTestCounts('ℹ pass 4\nℹ fail 0\n')).toEqual({ passed: 4, failed: 0, errors: 0 });
    expect(parseTestCounts('nothing')).toEqual({ passed: 0, failed: 0, errors: 0 });
  });
});
