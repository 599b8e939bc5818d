import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { oraclePolicy, readInstances, startPolicyServer } from '@codegod/bench';
import { tempDir, waitFor } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byId, ROOT, readResults, runBenchCli, startBench } from './bench-cli.js';

const run = promisify(execFile);

// The harness itself, on instances made here: small Node projects the frontend role accepts as
// they are, each with an inline oracle whose one step only looks. What differs is the
// success_command, so each instance exercises one thing the harness must get right.

const oracle = {
  tasks: [
    {
      id: 'look',
      description: 'Look at the project',
      role: 'frontend',
      depends_on: [],
      acceptance: [{ type: 'file', path: 'index.js' }],
      steps: [{ action: 'check_file_exists', args: { path: 'index.js' } }],
    },
  ],
};

const instance = (id: string, successCommand: string, more: Record<string, unknown> = {}) =>
  JSON.stringify({
    instance_id: id,
    problem_statement: `Bench harness instance ${id}: make the project pass its check.`,
    success_command: successCommand,
    workspace: 'project',
    oracle,
    timeout_s: 120,
    ...more,
  });

describe('bench harness: verdicts, false successes, bad lines, resume, Ctrl-C, the report', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let instances: string;
  beforeAll(async () => {
    dir = await tempDir('codegod-bench-harness-');
    await mkdir(join(dir.path, 'project'));
    await writeFile(
      join(dir.path, 'project', 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', main: 'index.js' }),
    );
    await writeFile(join(dir.path, 'project', 'index.js'), 'module.exports = {};\n');
    // A setup script that takes a while, so Ctrl-C lands while an instance is running.
    await writeFile(
      join(dir.path, 'slow-setup.sh'),
      `sleep 2\ncp -R "${join(dir.path, 'project')}/." .\n`,
    );
    instances = join(dir.path, 'instances.jsonl');
    await writeFile(
      instances,
      [
        instance('passes', 'test -f index.js', { category: 'ok', ticket: 'T-1' }),
        '{"instance_id": "broken"',
        // Passes the first time it runs (codegod's --check), fails the second (the harness's):
        // codegod says succeeded, the independent check says no. A false success.
        instance('passes-once', 'test ! -e .checked && touch .checked', { category: 'flaky' }),
        instance('never-passes', 'test -f missing.txt', { category: 'ok' }),
        JSON.stringify({ instance_id: 'no-command', problem_statement: 'x', workspace: 'project' }),
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('counts solved and false successes from the independent check, and reports bad lines', {
    timeout: 180_000,
  }, async () => {
    const out = join(dir.path, 'out');
    const bench = await runBenchCli([instances, '--policy', 'oracle', '--out', out]);
    expect(bench.code, bench.output).toBe(0);
    expect(bench.output).toContain(`${instances} line 2: not JSON`);
    expect(bench.output).toContain(`${instances} line 5: success_command:`);
    const results = byId(await readResults(out));
    expect([...results.keys()]).toEqual(['passes', 'passes-once', 'never-passes']);

    expect(results.get('passes')).toMatchObject({
      solved: true,
      codegod_verdict: 'succeeded',
      false_success: false,
      check_exit_code: 0,
      failure_reason: null,
      extra: { ticket: 'T-1' },
    });
    expect(results.get('passes-once')).toMatchObject({
      solved: false,
      codegod_verdict: 'succeeded',
      false_success: true,
      check_exit_code: 1,
    });
    expect(results.get('passes-once')!.failure_reason).toMatch(
      /^codegod said succeeded, but success_command exited 1/,
    );
    expect(results.get('never-passes')).toMatchObject({
      solved: false,
      codegod_verdict: 'failed',
      false_success: false,
      codegod_exit_code: 1,
    });
    expect(bench.stdout).toMatch(/^all\s+3\s+1\s+33%\s+2\s+1\s/m);
    expect(bench.stdout).toMatch(/^flaky\s+1\s+0\s+0%\s+1\s+1\s/m);

    // --resume: everything is in the file already, so nothing runs and nothing changes.
    const before = await readFile(join(out, 'results.jsonl'), 'utf8');
    const again = await runBenchCli([instances, '--policy', 'oracle', '--out', out, '--resume']);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('3 instance(s) skipped');
    expect(await readFile(join(out, 'results.jsonl'), 'utf8')).toBe(before);
  });

  it('writes a self-contained HTML report that headless Chromium renders', {
    timeout: 120_000,
  }, async () => {
    const html = await readFile(join(dir.path, 'out', 'report.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('Solve rate by category');
    expect(html).toContain('Wall time per instance');
    expect(html).toContain('Tokens per instance');
    expect(html).toMatch(/<b id="false-successes">1<\/b>/);
    // Nothing to fetch: no scripts, no stylesheets or images from elsewhere.
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
    if (!chromium) return; // The HTML checks above stand; CI installs chromium.
    const shots = join(ROOT, '.state', 'test-output');
    await mkdir(shots, { recursive: true });
    const png = join(shots, 'bench-report.png');
    await run(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        `--screenshot=${png}`,
        '--window-size=1000,1600',
        `file://${join(dir.path, 'out', 'report.html')}`,
      ],
      { timeout: 90_000 },
    );
    const header = (await readFile(png)).subarray(0, 8);
    expect(header.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect((await stat(png)).size).toBeGreaterThan(10_000);
  });

  it('Ctrl-C leaves whole results only; --resume runs the rest', { timeout: 240_000 }, async () => {
    const slow = join(dir.path, 'slow.jsonl');
    const ids = ['slow-1', 'slow-2', 'slow-3'];
    await writeFile(
      slow,
      ids
        .map((id) => instance(id, 'test -f index.js', { workspace: { setup: 'slow-setup.sh' } }))
        .join('\n'),
    );
    const out = join(dir.path, 'slow-out');
    const results = join(out, 'results.jsonl');
    const bench = startBench([slow, '--policy', 'oracle', '--out', out]);
    await waitFor(
      'the first result',
      async () => existsSync(results) && (await readFile(results, 'utf8')).split('\n').length > 1,
      120_000,
    );
    bench.child.kill('SIGINT');
    expect(await bench.exited, bench.output()).toBe(130);
    const text = await readFile(results, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const done = await readResults(out);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(ids.length);
    expect(done.every((result) => result.solved)).toBe(true);

    const resumed = await runBenchCli([slow, '--policy', 'oracle', '--out', out, '--resume']);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain(`${done.length} instance(s) skipped`);
    const all = await readResults(out);
    expect(all.map((result) => result.instance_id).sort()).toEqual(ids);
    expect(all.slice(0, done.length)).toEqual(done);
  });

  it('with a model (--llm-url), counts its LLM calls through the proxy', {
    timeout: 120_000,
  }, async () => {
    // The oracle's server standing in for a model the harness knows nothing about.
    const { instances: all } = await readInstances(instances);
    const model = await startPolicyServer(oraclePolicy, all);
    try {
      const out = join(dir.path, 'model-out');
      const bench = await runBenchCli([
        instances,
        '--llm-url',
        model.url,
        '--model',
        'scripted-model',
        '--only',
        'passes',
        '--out',
        out,
      ]);
      expect(bench.code, bench.output).toBe(0);
      const [result] = await readResults(out);
      expect(result).toMatchObject({ instance_id: 'passes', solved: true });
      expect(result!.llm_calls).toBe(model.callsOf(result!.run_id!));
      expect(result!.llm_calls).toBeGreaterThanOrEqual(2);
    } finally {
      await model.close();
    }
  });

  it('--serve-policy prints the URL a fleet points at and serves until Ctrl-C', {
    timeout: 60_000,
  }, async () => {
    const server = startBench([instances, '--serve-policy', 'lazy']);
    const url = await waitFor('the URL', () => server.stdout().match(/^(http:\S+\/v1)\n/)?.[1]);
    const models = await fetch(`${url}/models`);
    expect(models.status).toBe(200);
    await models.text();
    server.child.kill('SIGINT');
    expect(await server.exited, server.output()).toBe(0);
  });

  it('refuses bad flags with one line naming the flag', async () => {
    const parallel = await runBenchCli([instances, '--parallel', '0']);
    expect(parallel.code).toBe(2);
    expect(parallel.output).toContain('codegod: --parallel must be a whole number ≥ 1 (got "0")');
    const policy = await runBenchCli([instances, '--policy', 'clever']);
    expect(policy.code).toBe(2);
    expect(policy.output).toContain('--policy must be one of oracle, lazy (got "clever")');
    const fleet = await runBenchCli([instances, '--fleet']);
    expect(fleet.code).toBe(2);
    expect(fleet.output).toContain('--fleet needs REDIS_URL');
    expect(fleet.output).not.toMatch(/\n\s+at /);
    const fleetModel = await runBenchCli([instances, '--fleet', '--model', 'm']);
    expect(fleetModel.code).toBe(2);
    expect(fleetModel.output).toContain('--llm-url and --model apply to embedded runs');
  });
});
