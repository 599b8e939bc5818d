import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { readInstances } from './bench-instance.js';

const good = (id: string, more: Record<string, unknown> = {}) =>
  JSON.stringify({
    instance_id: id,
    problem_statement: `problem ${id}`,
    success_command: 'true',
    workspace: 'projects/a',
    ...more,
  });

describe('readInstances', () => {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  afterEach(async () => {
    await dir?.remove();
  });

  async function file(lines: string[]): Promise<string> {
    dir = await tempDir('codegod-bench-instances-');
    const path = join(dir.path, 'instances.jsonl');
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('reports each bad line with its number and keeps the good ones', async () => {
    const path = await file([
      good('first'),
      '{not json',
      '',
      '# a comment',
      JSON.stringify({ instance_id: 'no-command', problem_statement: 'p', workspace: 'x' }),
      good('bad id!'),
      good('first'),
      good('second', { workspace: { setup: 'make.sh' }, timeout_s: 30 }),
      good('third', { timeout_s: -1 }),
    ]);
    const read = await readInstances(path);
    expect(read.instances.map((i) => [i.instance_id, i.line])).toEqual([
      ['first', 1],
      ['second', 8],
    ]);
    expect(read.bad.map((b) => b.line)).toEqual([2, 5, 6, 7, 9]);
    expect(read.bad[0]!.message).toMatch(/^not JSON/);
    expect(read.bad[1]!.message).toMatch(/^success_command:/);
    expect(read.bad[2]!.message).toMatch(/^instance_id:/);
    expect(read.bad[3]!.message).toBe('instance_id first repeats line 1');
    expect(read.bad[4]!.message).toMatch(/^timeout_s:/);
  });

  it('keeps unknown fields in extra and makes paths absolute, relative to the file', async () => {
    const path = await file([
      good('kept', { repo: 'org/app', difficulty: 3, oracle: 'oracles/kept.json' }),
      good('setup', { workspace: { setup: 'scripts/make.sh' } }),
    ]);
    const [kept, setup] = (await readInstances(path)).instances;
    expect(kept!.extra).toEqual({ repo: 'org/app', difficulty: 3 });
    expect(kept!.workspace).toEqual({ copy: join(dir!.path, 'projects/a') });
    expect(kept!.oracle).toBe(join(dir!.path, 'oracles/kept.json'));
    expect(setup!.workspace).toEqual({ setup: join(dir!.path, 'scripts/make.sh') });
  });

  it('fails with one line naming the file when it cannot be read', async () => {
    await expect(readInstances('/nonexistent/instances.jsonl')).rejects.toThrow(
      'cannot read instances file /nonexistent/instances.jsonl: ENOENT',
    );
  });
});
