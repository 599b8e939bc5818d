#!/usr/bin/env node
// `npm run bench:suite`: the shipped suite (bench/suite.jsonl) under both scripted policies,
// through the real `codegod bench`. Prints each policy's table, then both side by side, and
// exits 1 when a policy breaks its promise: the oracle with a false success or an unsolved
// instance, the lazy policy with a solve or a false success. Extra arguments go to both runs
// (e.g. --parallel 4, --only a,b). Results and reports land in .state/bench/<policy>/.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/cli/dist/bin.js');
if (!existsSync(cli)) {
  console.error('bench:suite: build first: npm run build');
  process.exit(2);
}
const extra = process.argv.slice(2);
const summaries = {};
for (const policy of ['oracle', 'lazy']) {
  const out = join(root, '.state', 'bench', policy);
  console.error(`bench:suite: policy ${policy} -> ${out}`);
  const run = spawnSync(
    process.execPath,
    [cli, 'bench', join(root, 'bench', 'suite.jsonl'), '--policy', policy, '--out', out, ...extra],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, REDIS_URL: '' } },
  );
  if (run.status !== 0) process.exit(run.status ?? 1);
  const results = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  summaries[policy] = {
    n: results.length,
    solved: results.filter((r) => r.solved).length,
    codegod: results.filter((r) => r.codegod_verdict === 'succeeded').length,
    false: results.filter((r) => r.false_success).length,
    seconds: results.reduce((s, r) => s + r.wall_ms, 0) / 1000,
  };
}
const { oracle, lazy } = summaries;
const line = (name, s) =>
  `| ${name.padEnd(6)} | ${String(s.n).padStart(9)} | ${`${s.solved} (${Math.round((100 * s.solved) / s.n)}%)`.padStart(10)} | ${String(s.codegod).padStart(17)} | ${String(s.false).padStart(15)} | ${s.seconds.toFixed(0).padStart(14)} |`;
console.log(
  '\n| policy | instances |     solved | codegod succeeded | false successes | codegod time s |',
);
console.log(
  '| ------ | --------- | ---------- | ----------------- | --------------- | -------------- |',
);
console.log(line('oracle', oracle));
console.log(line('lazy', lazy));
const broken = [];
if (oracle.false > 0 || oracle.solved < oracle.n)
  broken.push('the oracle must solve all with 0 false successes');
if (lazy.false > 0 || lazy.solved > 0)
  broken.push('the lazy policy must solve none with 0 false successes');
for (const problem of broken) console.error(`bench:suite: ${problem}`);
process.exit(broken.length > 0 ? 1 : 0);
