import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalFleet } from './local-fleet.js';
import { recordFault } from './reliability-summary.js';
import { agentRules, planOf, step } from './scripted-replies.js';

// Security checks over the built code and a real fleet. The compose stack's Redis password and
// Redis Commander auth are checked by tests/fleet/compose.int.test.ts (docker-compose config).

const repo = resolve(import.meta.dirname, '..', '..');

/** A package's test doubles and fixtures: `dist/testing/` and `dist/fixtures/`, not deeper. */
const TEST_SUPPORT = ['testing', 'fixtures'];

/**
 * Production .js files of every package and service (no tests, no test doubles or fixtures;
 * the testing role's `dist/roles/testing/` is production code and is scanned).
 */
function productionFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string, top: boolean) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!(top && TEST_SUPPORT.includes(name)) && name !== 'node_modules') walk(path, false);
      } else if (name.endsWith('.js') && !name.endsWith('.test.js')) {
        files.push(path);
      }
    }
  };
  for (const group of ['packages', 'services']) {
    // testkit starts redis-server for tests; it is never part of a running fleet. bench is the
    // harness `codegod bench` runs on the user's own machine: it starts `codegod build` and the
    // instance's setup script and success_command, the latter deliberately outside codegod's
    // sandbox (the independent check); no agent or LLM output reaches it.
    const harnesses = ['testkit', 'bench'];
    for (const pkg of readdirSync(join(repo, group)).filter((name) => !harnesses.includes(name))) {
      const dist = join(repo, group, pkg, 'dist');
      if (statSync(dist, { throwIfNoEntry: false })?.isDirectory()) walk(dist, true);
    }
  }
  return files;
}

describe('no shell is ever spawned (static, over the built code)', () => {
  const files = productionFiles().map((path) => ({
    path: relative(repo, path),
    text: readFileSync(path, 'utf8'),
  }));

  it('finds the built code', () => {
    expect(files.some((f) => f.path === 'packages/actions/dist/sandbox/sandbox.js')).toBe(true);
    expect(files.some((f) => f.path === 'packages/actions/dist/roles/testing/toolkit.js')).toBe(
      true,
    );
  });

  it('nothing imports child_process; execa only in the command runners, with shell: false', () => {
    const childProcess = files.filter((f) => /['"](node:)?child_process['"]/.test(f.text));
    const execaUsers = files.filter((f) => /from ['"]execa['"]/.test(f.text));
    const shellTrue = files.filter((f) => /shell\s*:\s*(true|['"`])/.test(f.text));
    const stringCommands = files.filter((f) => /\bexecaCommand(Sync)?\b|\bexecSync\b/.test(f.text));
    // Every command goes through startInProcessGroup; the bubblewrap probe starts one empty sandbox.
    const spawners = [
      'packages/actions/dist/sandbox/runners/bubblewrap-probe.js',
      'packages/actions/dist/sandbox/runners/direct-runner.js',
    ];
    const execaCalls = execaUsers.flatMap(
      (f) => f.text.match(/execa(Sync)?\([^)]*\{[^}]*\}/gs) ?? [],
    );
    recordFault({
      fault: 'static scan of the built packages for shell use',
      behaviour:
        'two spawners of agent commands (the process-group runner and the bubblewrap probe, execa with shell: false); child_process only in the fleet operator runtime; no shell: true',
      bound: 'checked on every test run',
      outcome: `${files.length} files scanned`,
    });
    // The one child_process user is the fleet's operator runtime: it runs docker-compose, pm2,
    // tail, redis-server and npm with fixed argument arrays for `codegod fleet`; no plan or LLM
    // output reaches it, and it never asks for a shell (shellTrue below stays empty).
    expect(childProcess.map((f) => f.path)).toEqual(['packages/fleet/dist/run-process.js']);
    expect(execaUsers.map((f) => f.path).sort()).toEqual(spawners);
    expect(shellTrue.map((f) => f.path)).toEqual([]);
    expect(stringCommands.map((f) => f.path)).toEqual([]);
    expect(execaCalls).toHaveLength(2);
    for (const call of execaCalls) expect(call).toMatch(/shell:\s*false/);
  });
});

describe('secrets on a real fleet', () => {
  it('env secrets never reach service logs, the run report, events or LLM prompts', async () => {
    const secrets = {
      MY_API_KEY: `sk-secret-${randomUUID()}`,
      GITHUB_TOKEN: `ghp_${randomUUID().replaceAll('-', '')}`,
      DB_PASSWORD: `pw-${randomUUID()}`,
    };
    // The plan prints the whole environment, and a workspace .env holding the same key is read
    // back (read_file, and python printing it): the outputs land in events and the report.
    const printEnv =
      "print(dict(__import__('os').environ), [__import__('os').environ.get(k) for k in ('MY_API_KEY', 'GITHUB_TOKEN', 'DB_PASSWORD')])";
    const fleet = await startLocalFleet({
      env: { ...secrets, LOG_LEVEL: 'debug' },
      rules: agentRules(
        'backend',
        planOf(
          step('run_command', { command: 'python3', args: ['-c', printEnv] }),
          step('read_file', { path: '.env' }),
          step('run_command', { command: 'python3', args: ['-c', "print(open('.env').read())"] }),
        ),
      ),
    });
    try {
      const master = await fleet.startMaster();
      await Promise.all([master.ready, fleet.startWorker('backend').ready]);
      const workspace = await fleet.workspace({ venv: true });
      await writeFile(
        join(workspace, '.env'),
        Object.entries(secrets)
          .map(([name, value]) => `${name}=${value}\n`)
          .join(''),
      );
      const result = await fleet.build('print the environment', workspace, {
        tasks: [{ id: 'env', description: 'print env', role: 'backend', depends_on: [] }],
      });
      const runId = result.report?.run_id ?? '';
      const events = JSON.stringify(await fleet.events(runId));
      const storedReport = (await fleet.client.get(`codegod:run:${runId}:report`)) ?? '';
      const prompts = JSON.stringify(fleet.llm.requests);
      const places = {
        'service logs': fleet.logs(),
        'CLI output and report': result.stdout + result.stderr,
        'stored report': storedReport,
        events,
        'LLM prompts': prompts,
      };
      const leaks = Object.entries(places).flatMap(([place, text]) =>
        Object.entries(secrets)
          .filter(([, value]) => text.includes(value))
          .map(([name]) => `${name} in ${place}`),
      );
      recordFault({
        fault:
          'MY_API_KEY / GITHUB_TOKEN / DB_PASSWORD in the services env and a workspace .env; a plan prints os.environ and the .env',
        behaviour: 'secret-named variables dropped from the child env; echoes redacted',
        bound: 'child env filter + redaction of command lines and output; logger redaction',
        outcome: `leaks: ${leaks.length === 0 ? 'none' : leaks.join(', ')}; run ${result.report?.state}`,
      });
      expect(result.report, result.stderr).toBeDefined();
      expect(storedReport.length).toBeGreaterThan(0);
      // The commands did run and print: the check is not vacuous.
      expect(events).toMatch(/'PATH'/);
      expect(events).toMatch(/MY_API_KEY=/);
      expect(events).toMatch(/\[redacted\]/);
      expect(leaks).toEqual([]);
    } finally {
      await fleet.stop();
    }
  }, 120_000);
});
