import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runReportSchema } from '@codegod/protocol';
import { tempDir, writeTinyLlamaGguf } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
// Only guards against hangs: a byte-level model spends a token per prompt character.
const RUN_GUARD_MS = 540_000;

async function codegod(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      timeout: RUN_GUARD_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('codegod build on the embedded engine and the tiny test model', {
  timeout: RUN_GUARD_MS,
}, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let model: string;
  // No repairs allowed: one reply that failed to parse or to pass zod would end its task or
  // the run with "stayed invalid", so a run that reaches its checks proves every reply valid.
  const env = {
    LLM_MAX_REPAIRS: '0',
    LLM_ENGINE_THREADS: '1',
    LLM_ENGINE_SEQUENCES: '2',
    CODEGOD_MODELS_DIR: '/nonexistent',
  };

  beforeAll(async () => {
    dir = await tempDir('codegod-engine-run-');
    model = await writeTinyLlamaGguf(join(dir.path, 'tiny.gguf'));
  });
  afterAll(() => dir.remove());

  const expectCleanEnd = (stdout: string, stderr: string) => {
    expect(stderr).not.toContain('unexpected error');
    expect(stderr).not.toMatch(/stayed invalid|llm error/);
    const report = runReportSchema.parse(JSON.parse(stdout));
    // Typed arguments: the grammar shaped every step's arguments, so no action refused them.
    const text = JSON.stringify(report);
    expect(text).not.toContain('invalid arguments for');
    expect(text).not.toContain('args_json');
    return report;
  };

  it('decomposes and runs a task whose checks fail, every reply valid the first time', async () => {
    const workspace = join(dir.path, 'decomposed');
    const result = await codegod(
      [
        'build',
        'Build a Flask app',
        '-w',
        workspace,
        '--llm-url',
        `local:${model}`,
        '--json',
        '--max-replans',
        '0',
      ],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`embedded engine on ${model} (--llm-url)`);
    const report = expectCleanEnd(result.stdout, result.stderr);
    expect(report.state).toBe('failed');
    expect(report.tasks.length).toBeGreaterThan(0);
    const failed = report.tasks.filter((task) => task.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const task of failed) {
      expect(task.reasoning).not.toBeNull();
      expect(task.plan).not.toBeNull();
      expect(task.validation?.valid).toBe(false);
    }
    expect(report.tokens.total).toBeGreaterThan(0);
  });

  // Bounded by the run's time budget: four roles iterating on a byte-level model take a minute or more.
  it('runs a plan with all four roles through LLM_MODEL_PATH, each reasoning and planning', async () => {
    const workspace = join(dir.path, 'planned');
    const plan = join(dir.path, 'plan.json');
    const missing = { type: 'file', path: 'never-written.txt' };
    const roles = ['backend', 'frontend', 'devops', 'testing'];
    await writeFile(
      plan,
      JSON.stringify({
        tasks: roles.map((role) => ({
          id: `${role}-task`,
          description: `the ${role} part`,
          role,
          depends_on: [],
          acceptance: [missing],
        })),
      }),
    );
    const result = await codegod(
      [
        'build',
        'Build a Flask app',
        '-w',
        workspace,
        '--plan',
        plan,
        '--json',
        '--max-replans',
        '0',
        '--timeout',
        '90',
      ],
      { ...env, LLM_MODEL_PATH: model, LLM_ENGINE_SEQUENCES: '4' },
    );
    expect(result.code).toBe(1);
    const report = expectCleanEnd(result.stdout, result.stderr);
    // How far four roles get in 90 s depends on the machine: either the budget cuts the run, or
    // every task used up its iterations against the check that can never pass.
    expect(['cancelled', 'failed']).toContain(report.state);
    if (report.state === 'cancelled')
      expect(report.reason).toContain('time budget exceeded (90000 ms)');
    else for (const task of report.tasks) expect(task.validation?.valid, task.id).toBe(false);
    expect(report.tasks.map((task) => task.role).sort()).toEqual([...roles].sort());
    for (const task of report.tasks) {
      expect(task.reasoning, task.id).not.toBeNull();
      // The report keeps the last iteration, which the time budget may cut after its reasoning;
      // a second iteration means the first one's plan passed too.
      expect(task.plan !== null || task.iterations >= 2, task.id).toBe(true);
    }
  });

  it('says in one line how to fix a missing model file', async () => {
    const result = await codegod(
      [
        'build',
        'x',
        '-w',
        join(dir.path, 'none'),
        '--llm-url',
        `local:${join(dir.path, 'nope.gguf')}`,
      ],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /No model file at .*nope\.gguf.*codegod models pull/,
    );
  });
});
