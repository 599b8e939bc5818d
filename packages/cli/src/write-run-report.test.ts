import { lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunReport } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRunReport } from './write-run-report.js';

const report = (runId: string) =>
  ({ run_id: runId, state: 'succeeded', reason: 'done', tasks: [] }) as unknown as RunReport;

describe('writeRunReport', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let workspace: string;
  let outside: string;
  beforeEach(async () => {
    dir = await tempDir('codegod-report-path-');
    workspace = join(dir.path, 'workspace');
    outside = join(dir.path, 'outside');
    await mkdir(workspace);
    await mkdir(outside);
  });
  afterEach(() => dir.remove());

  it('writes <workspace>/.codegod/<run>.json', async () => {
    const written = await writeRunReport(workspace, report('run-1'));
    expect(written).toEqual({ path: join(workspace, '.codegod', 'run-1.json') });
    expect(JSON.parse(await readFile(written.path, 'utf8')).run_id).toBe('run-1');
    // No temporary file is left behind.
    expect(await readdir(join(workspace, '.codegod'))).toEqual(['run-1.json']);
  });

  it('does not follow a .codegod -> outside link; the report goes to a private folder', async () => {
    await symlink(outside, join(workspace, '.codegod'));
    const written = await writeRunReport(workspace, report('run-2'));
    expect(written.refused).toMatch(
      /\.codegod is a symbolic link, so the run report was not written through it/,
    );
    expect(written.path.startsWith(join(workspace, '.codegod'))).toBe(false);
    expect(written.path.startsWith(outside)).toBe(false);
    expect(JSON.parse(await readFile(written.path, 'utf8')).run_id).toBe('run-2');
    expect(await readdir(outside)).toEqual([]);
    await rm(dirname(written.path), { recursive: true });
  });

  it('replaces a .codegod/<run>.json -> outside link instead of writing through it', async () => {
    const target = join(outside, 'victim.json');
    await writeFile(target, 'untouched');
    await mkdir(join(workspace, '.codegod'));
    await symlink(target, join(workspace, '.codegod', 'run-3.json'));
    const written = await writeRunReport(workspace, report('run-3'));
    expect(written).toEqual({ path: join(workspace, '.codegod', 'run-3.json') });
    expect((await lstat(written.path)).isFile()).toBe(true);
    expect(JSON.parse(await readFile(written.path, 'utf8')).run_id).toBe('run-3');
    expect(await readFile(target, 'utf8')).toBe('untouched');
    expect(await readdir(outside)).toEqual(['victim.json']);
  });

  it('refuses a .codegod that is a file, and a run id that is not a file name', async () => {
    await writeFile(join(workspace, '.codegod'), 'a file');
    const written = await writeRunReport(workspace, report('run-4'));
    expect(written.refused).toMatch(/is not a folder/);
    await rm(dirname(written.path), { recursive: true });
    const other = join(dir.path, 'other');
    await mkdir(other);
    const sneaky = await writeRunReport(other, report('../../outside/x'));
    expect(sneaky.path).toMatch(new RegExp(`^${join(other, '.codegod')}/run-[0-9a-f]{12}\\.json$`));
    expect(await readdir(outside)).toEqual([]);
  });
});
