import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/child-processes.js';

const run = promisify(execFile);

// `npm run demo`, as the README tells a newcomer to run it: it must repair the project and
// print each check that proved it, including the user's --check of the flask import.
describe('e2e: the README demo', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-demo-');
  });
  afterAll(() => dir?.remove());

  it('repairs "Flask not found" and prints every check and its result', {
    timeout: 240_000,
  }, async () => {
    const { PATH, HOME } = process.env;
    const { stderr } = await run(process.execPath, [join(ROOT, 'scripts', 'demo.mjs'), dir.path], {
      env: { PATH, HOME },
      timeout: 230_000,
    });
    expect(stderr).toContain('demo: before: import flask -> ModuleNotFoundError');
    expect(stderr).toContain(
      "task fix-flask: passed: venv/bin/python -c 'import flask, app' (exit 0)",
    );
    expect(stderr).toContain(
      "run --check: passed: sh -c 'venv/bin/python -c '\\''import flask'\\''' (exit 0)",
    );
    expect(stderr).toContain('=> succeeded: verified by 3 checks');
    expect(stderr).toContain('demo: after: import flask -> ok');
  });
});
