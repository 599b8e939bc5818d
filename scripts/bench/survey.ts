// The master's workspace survey (issue 19): its time and its size in the prompt, on the role
// fixtures and on large generated trees. The file walk is bounded by entries, so a 50,000-file
// tree must cost about what a 5,000-file one does; the text must stay within its cap.
// "master survey" adds what the master does on top: `git status` through the check runner and
// the four role observers (real toolkits, the default sandbox), on the flask fixture.
// Run: npx tsx --conditions=@codegod/source scripts/bench/survey.ts [--quick]
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCheckRunner, surveyWorkspace, toolkitFor } from '@codegod/actions';
import {
  makeFlaskAppFixture,
  makeImportErrorTestsFixture,
  makeMissingDockerfileFixture,
  makeNodeMainFixture,
} from '@codegod/actions/fixtures';
import { surveyForMaster, surveyObservers } from '@codegod/fleet';
import { SURVEY_TEXT_MAX_CHARS, surveyText, WORKER_ROLES } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint, ms } from './bench-table.js';

/** The median of `runs` timings of `work`, in ms, and its last result. */
async function timed<T>(runs: number, work: () => Promise<T>): Promise<{ ms: number; last: T }> {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = await work();
    times.push(performance.now() - start);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(runs / 2)]!, last: last! };
}

/** A tree of `folders` × `perFolder` empty Python files under src/, plus a requirements.txt. */
async function generatedTree(root: string, folders: number, perFolder: number): Promise<void> {
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'requirements.txt'), 'flask\n');
  for (let folder = 0; folder < folders; folder++) {
    const path = join(root, 'src', `pkg${String(folder).padStart(4, '0')}`);
    await mkdir(path, { recursive: true });
    await Promise.all(
      Array.from({ length: perFolder }, (_, i) => writeFile(join(path, `module_${i}.py`), '')),
    );
  }
}

/** The survey bench's rows. */
export async function surveyBench(quick = false): Promise<BenchRow[]> {
  const runs = quick ? 3 : 7;
  const dir = await tempDir('codegod-bench-survey-');
  const rows: BenchRow[] = [];
  const walkRow = async (name: string, workspace: string, goalMs: number) => {
    const { ms: took, last } = await timed(runs, async () =>
      surveyText(await surveyWorkspace(workspace)),
    );
    rows.push({
      benchmark: `survey walk: ${name}`,
      measured: `${ms(took)}, ${last.length} chars (~${Math.round(last.length / 4)} tokens)`,
      goal: `<= ${goalMs} ms, <= ${SURVEY_TEXT_MAX_CHARS} chars`,
      met: took <= goalMs && last.length <= SURVEY_TEXT_MAX_CHARS,
    });
  };
  try {
    const flask = await makeFlaskAppFixture(join(dir.path, 'flask'));
    await walkRow('flask-not-found fixture', flask.workspace, 100);
    await walkRow(
      'node-main fixture',
      (await makeNodeMainFixture(join(dir.path, 'node'))).workspace,
      100,
    );
    await walkRow(
      'missing-Dockerfile fixture',
      (await makeMissingDockerfileFixture(join(dir.path, 'docker'))).workspace,
      100,
    );
    await walkRow(
      'import-error tests fixture',
      (await makeImportErrorTestsFixture(join(dir.path, 'tests'))).workspace,
      100,
    );
    await generatedTree(join(dir.path, 'small'), 10, 500);
    await walkRow('generated 5,000 files', join(dir.path, 'small'), 1000);
    await generatedTree(join(dir.path, 'large'), 100, 500);
    await walkRow('generated 50,000 files', join(dir.path, 'large'), 2000);

    await promisify(execFile)('git', ['init', '-q'], { cwd: flask.workspace });
    const toolkits = Object.fromEntries(WORKER_ROLES.map((role) => [role, toolkitFor(role)]));
    const checks = createCheckRunner();
    const { ms: took, last } = await timed(runs, async () =>
      surveyText(
        await surveyForMaster(flask.workspace, checks, { observers: surveyObservers(toolkits) }),
      ),
    );
    rows.push({
      benchmark: 'master survey: flask fixture, git status + 4 observers',
      measured: `${ms(took)}, ${last.length} chars`,
      goal: `<= 5000 ms, <= ${SURVEY_TEXT_MAX_CHARS} chars`,
      met: took <= 5000 && last.length <= SURVEY_TEXT_MAX_CHARS,
    });
  } finally {
    await dir.remove();
  }
  return rows;
}

if (isEntryPoint(import.meta.url)) {
  const rows = await surveyBench(process.argv.includes('--quick'));
  console.log('codegod workspace survey bench');
  console.log(formatTable(rows));
}
