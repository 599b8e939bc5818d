import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPOSE_FILE, ROOT } from './compose-config.js';

// start-agents.sh's Docker runtime against fake `docker` and `docker-compose` commands that
// record their arguments: this machine has no Docker engine, so the test checks what the
// script asks compose to do. (`up` is left out: it writes the repository's .env.)
const dir = mkdtempSync(join(tmpdir(), 'codegod-fleet-docker-'));
const bin = join(dir, 'bin');
const stateDir = join(dir, 'state');
const callLog = join(dir, 'calls');

function fake(name: string, body: string) {
  writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

spawnSync('mkdir', ['-p', bin, stateDir]);
fake(
  'docker',
  'echo "docker $*" >>"$FAKE_CALLS"; [[ "$1" == info ]] && exit $((FAKE_DOCKER_INFO)); exit 0',
);
fake(
  'docker-compose',
  [
    'echo "docker-compose $*" >>"$FAKE_CALLS"',
    'case "$*" in',
    '  *" EVAL "*) echo 1 ;;',
    '  *" TYPE codegod:tasks-backend:wait") echo list ;;',
    '  *" LLEN codegod:tasks-backend:wait") echo 4 ;;',
    '  *" TYPE "*) echo none ;;',
    '  *" HGETALL codegod:metrics:tasks") printf "completed\\n7\\n" ;;',
    'esac',
  ].join('\n'),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => writeFileSync(callLog, ''));

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(join(ROOT, 'start-agents.sh'), args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      CODEGOD_STATE_DIR: stateDir,
      CODEGOD_RUNTIME: '',
      FAKE_CALLS: callLog,
      ...env,
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const calls = readFileSync(callLog, 'utf8').trim().split('\n');
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const compose = (args: string) => `docker-compose -f ${COMPOSE_FILE} ${args}`;

describe('start-agents.sh on the Docker runtime', () => {
  it('asks `docker info` (bounded) and then uses docker-compose', () => {
    const result = run(['logs', 'backend-agent', '-n', '20']);
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([
      'docker info',
      compose('logs --no-color --tail=20 backend-agent'),
    ]);
  });

  it('scales, restarts and stops through compose', () => {
    expect(run(['scale', 'backend-agent', '3']).calls).toContain(
      compose('up -d --no-recreate --scale backend-agent=3 backend-agent'),
    );
    expect(run(['restart', 'devops-agent']).calls).toContain(compose('restart devops-agent'));
    expect(run(['down']).calls).toContain(compose('down --remove-orphans'));
  });

  it('reports through redis-cli inside the redis container when the CLI has no status', () => {
    const result = run(['status']);
    expect(result.status).toBe(0);
    expect(result.calls).toContain(compose('ps'));
    expect(result.calls).toContain(
      compose('exec -T redis redis-cli --raw HGETALL codegod:agents:status'),
    );
    expect(result.stdout).toMatch(/backend\s+4\s+0/);
    expect(result.stdout).toMatch(/completed\s+7/);
  });

  it('wipes one agent through redis-cli when the CLI has no wipe', () => {
    const result = run(['wipe', '--agent', 'backend-agent-1']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('wiped the memory of 1 agent(s)');
    expect(result.calls.at(-1)).toMatch(
      /exec -T redis redis-cli --raw EVAL .* 1 codegod:memory:backend-agent-1$/,
    );
  });

  it('falls back to the local runtime when `docker info` fails', () => {
    const result = run(['status'], { FAKE_DOCKER_INFO: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the fleet is not up (local runtime');
  });
});
