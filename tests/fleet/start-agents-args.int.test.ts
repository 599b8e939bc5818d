import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './compose-config.js';

// start-agents.sh hands its arguments to `codegod fleet`. Every case here must fail or succeed
// before a runtime is chosen: the state dir stays empty and no docker, pm2 or redis command runs.
const stateDir = mkdtempSync(join(tmpdir(), 'codegod-fleet-args-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(join(ROOT, 'start-agents.sh'), args, {
    cwd: ROOT,
    env: { ...process.env, CODEGOD_STATE_DIR: stateDir, PATH: process.env.PATH },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const VERBS = ['up', 'down', 'logs', 'status', 'wipe', 'scale', 'restart'];

describe('start-agents.sh arguments', () => {
  it('prints help with exit 0, naming every verb', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const result = run(...args);
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: codegod fleet');
      for (const verb of VERBS) expect(result.stdout).toMatch(new RegExp(`\\n  ${verb}\\b`));
      expect(result.stdout).toContain('./start-agents.sh VERB is the same as codegod fleet VERB');
    }
  });

  it('prints each verb help with exit 0', () => {
    for (const verb of VERBS) {
      const viaFlag = run(verb, '--help');
      expect(viaFlag.status, verb).toBe(0);
      expect(viaFlag.stdout).toContain(`Usage: codegod fleet ${verb}`);
      expect(run('help', verb).stdout).toBe(viaFlag.stdout);
    }
  }, 300_000);

  it('rejects a missing or unknown verb with exit 2', () => {
    expect(run().status).toBe(2);
    const unknown = run('launch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'launch'");
  });

  it.each([
    [['scale', 'backend-agent', 'x'], 'N must be a whole number'],
    [['scale', 'backend-agent', '-1'], 'N must be a whole number'],
    [['scale', 'backend-agent', '17'], 'N must be a whole number from 0 to 16'],
    [['scale', 'backend-agent'], "missing required argument 'n'"],
    [['scale', 'redis', '2'], "cannot scale 'redis'"],
    [['scale', 'master-orchestrator', '2'], "cannot scale 'master-orchestrator'"],
    [['logs', 'nope'], "unknown service 'nope'"],
    [['logs', '-n', 'many'], 'needs a number of lines'],
    [['restart', 'nope'], "unknown service 'nope'"],
    [['wipe', '--agent'], "option '--agent <id>' argument missing"],
    [['wipe', '--agent', 'a:b'], "invalid agent id 'a:b'"],
    [['up', 'now'], 'too many arguments'],
  ])('rejects %j with exit 2', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown CODEGOD_RUNTIME with exit 2', () => {
    const result = spawnSync(join(ROOT, 'start-agents.sh'), ['status'], {
      cwd: ROOT,
      env: { ...process.env, CODEGOD_STATE_DIR: stateDir, CODEGOD_RUNTIME: 'podman' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /Invalid setting runtime \(environment variable CODEGOD_RUNTIME\): .*"docker".*\(got "podman"\)/,
    );
  });

  it('started nothing', () => {
    expect(readdirSync(stateDir)).toEqual([]);
  });
});
