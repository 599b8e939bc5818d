import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'flask-react.plan.json');

async function codegod(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('codegod plan (built CLI, real process)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('prints the seed plan as three waves', async () => {
    const result = await codegod('plan', example, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).waves).toEqual([
      ['backend-setup', 'frontend-setup'],
      ['backend-api', 'frontend-ui'],
      ['containerize', 'integration-tests'],
    ]);
  });

  it('rejects a cyclic plan with exit 2 and one line naming the cycle', async () => {
    const file = join(dir.path, 'cycle.json');
    await writeFile(
      file,
      JSON.stringify({
        tasks: [
          { id: 'a', description: 'a', role: 'backend', depends_on: ['b'] },
          { id: 'b', description: 'b', role: 'backend', depends_on: ['a'] },
        ],
      }),
    );
    const result = await codegod('plan', file);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cycle: a -> b -> a/);
  });

  it('says clearly when the file is missing or not JSON', async () => {
    const missing = await codegod('plan', join(dir.path, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const file = join(dir.path, 'bad.json');
    await writeFile(file, '{ tasks: ');
    const bad = await codegod('plan', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
  });

  it("prints each task's acceptance checks, and says which tasks have none", async () => {
    const result = await codegod('plan', example);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("    check: venv/bin/python -c 'import flask, app'\n");
    expect(result.stdout).toContain('    check: file Dockerfile matches /^FROM /\n');
    expect(result.stdout).not.toContain('no acceptance checks');
    const file = join(dir.path, 'unchecked.json');
    await writeFile(
      file,
      JSON.stringify({ tasks: [{ id: 'a', description: 'a', role: 'backend', depends_on: [] }] }),
    );
    expect((await codegod('plan', file)).stdout).toContain(
      'no acceptance checks: success will be unverified',
    );
  });

  it('rejects a plan whose check leaves the workspace: exit 2, one line naming the field', async () => {
    const file = join(dir.path, 'escape.json');
    const task = { id: 'a', description: 'a', role: 'backend', depends_on: [] };
    const acceptance = [{ type: 'file', path: '../../etc/passwd' }];
    await writeFile(file, JSON.stringify({ tasks: [{ ...task, acceptance }] }));
    const result = await codegod('plan', file);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      'task "a": acceptance[0].path: must stay inside the workspace (no "..")',
    );
  });

  it('build: --check takes a shell line; an empty one is a usage error naming the flag', async () => {
    const help = await codegod('build', '--help');
    expect(help.stdout).toMatch(/--check <command line>/);
    expect(help.stdout).toMatch(/--require-verified/);
    const empty = await codegod('build', 'x', '-w', join(dir.path, 'ws'), '--check', ' ');
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(empty.stderr).toMatch(/^codegod: --check must be a shell command line/);
    const timeout = await codegod(
      'build',
      'x',
      '-w',
      join(dir.path, 'ws'),
      '--check-timeout',
      'soon',
    );
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/--check-timeout must be a whole number/);
  });

  it('exits 2 on an unknown flag and 0 on --help', async () => {
    expect((await codegod('plan', example, '--frobnicate')).code).toBe(2);
    const help = await codegod('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/plan/);
    expect((await codegod('plan', '--help')).stdout).toMatch(/task graph/);
  });
});

describe('codegod build --sandbox (built CLI, real process)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('documents the flag and its default in --help', async () => {
    const help = await codegod('build', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--sandbox <kind>.*auto,\s+bubblewrap,\s+container,\s+none/s);
    expect(help.stdout).toContain('apt-get install bubblewrap');
  });

  it('rejects an unknown kind with exit 2 and one line naming the flag and the variable', async () => {
    const result = await codegod('build', 'x', '--workspace', dir.path, '--sandbox', 'docker');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/flag --sandbox, environment variable CODEGOD_SANDBOX/);
  });

  it('warns before anything runs when commands would run unconfined', async () => {
    // No LLM answers on this port: the run stops right after the warning.
    const result = await codegod(
      'build',
      'x',
      '--workspace',
      dir.path,
      '--sandbox',
      'none',
      '--llm-url',
      'http://127.0.0.1:9/v1',
    );
    expect(result.code).toBe(2);
    const [warning] = result.stderr.trim().split('\n');
    expect(warning).toBe(
      'codegod: warning: sandbox none: commands run with your full rights, confined only by argument checks (opted in with --sandbox none / CODEGOD_SANDBOX=none).',
    );
  });

  it('refuses --sandbox on the fleet, where each worker chooses', async () => {
    const result = await run(
      process.execPath,
      [bin, 'build', 'x', '-w', dir.path, '--sandbox', 'none'],
      {
        env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:9' },
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--sandbox applies to embedded runs'),
    });
  });

  it('refuses --llm-url and --model on the fleet instead of dropping them silently', async () => {
    for (const flag of [
      ['--llm-url', 'http://127.0.0.1:9/v1'],
      ['--model', 'other'],
    ]) {
      const result = await run(process.execPath, [bin, 'build', 'x', '-w', dir.path, ...flag], {
        env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:9' },
      }).catch((error: { code: number; stderr: string }) => error);
      expect(result).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--llm-url and --model choose the LLM of an embedded run'),
      });
    }
  });
});

describe('codegod example (built CLI, real process)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('writes the Flask-not-found project the README builds on the fleet', async () => {
    const target = join(dir.path, 'myapp');
    const result = await codegod('example', 'flask-not-found', target);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(target, 'requirements.txt'), 'utf8')).toBe('flask==3.0.0\n');
    expect(await readFile(join(target, 'app.py'), 'utf8')).toMatch(/^from flask import Flask/);
  });

  it('refuses an unknown example and a folder that is not empty, in one line each', async () => {
    const unknown = await codegod('example', 'nosuch', join(dir.path, 'x'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      'codegod: No example "nosuch"; the examples are: flask-not-found.',
    ]);
    const busy = join(dir.path, 'busy');
    await codegod('example', 'flask-not-found', busy);
    const again = await codegod('example', 'flask-not-found', busy);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/busy is not empty/);
  });
});
