import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultsFile } from './results-file.js';
import { sampleResult } from './sample-result.js';

describe('ResultsFile', () => {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  afterEach(async () => {
    await dir?.remove();
  });

  it('loads appended results, and none from a missing file', async () => {
    dir = await tempDir('codegod-bench-results-');
    const file = new ResultsFile(join(dir.path, 'out', 'results.jsonl'));
    expect(await file.load()).toEqual([]);
    await file.append(sampleResult({ instance_id: 'a' }));
    await file.append(sampleResult({ instance_id: 'b', solved: false }));
    expect((await file.load()).map((r) => [r.instance_id, r.solved])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('cuts a torn last line (a run killed mid-write) so the next append starts clean', async () => {
    dir = await tempDir('codegod-bench-results-');
    const path = join(dir.path, 'results.jsonl');
    const whole = `${JSON.stringify(sampleResult({ instance_id: 'a' }))}\n`;
    await writeFile(path, `${whole}{"instance_id":"b","solv`);
    const file = new ResultsFile(path);
    expect((await file.load()).map((r) => r.instance_id)).toEqual(['a']);
    expect(await readFile(path, 'utf8')).toBe(whole);
    await file.append(sampleResult({ instance_id: 'c' }));
    expect((await file.load()).map((r) => r.instance_id)).toEqual(['a', 'c']);
  });

  it('refuses a file whose middle line is not a result, naming the line', async () => {
    dir = await tempDir('codegod-bench-results-');
    const path = join(dir.path, 'results.jsonl');
    await writeFile(path, `garbage\n${JSON.stringify(sampleResult())}\n`);
    await expect(new ResultsFile(path).load()).rejects.toThrow(/line 1 is not a bench result/);
  });
});
