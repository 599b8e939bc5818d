import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPOSE_FILE, ROOT } from './compose-config.js';

// start-agents.sh's (codegod fleet's) Docker runtime against fake `docker` and `docker-compose` commands that
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
fake('docker-compose', 'echo "docker-compose $*" >>"$FAKE_CALLS"; exit 0');
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
  // `docker-compose version` is how the runtime finds compose; the tests look at the rest.
  const calls = readFileSync(callLog, 'utf8')
    .trim()
    .split('\n')
    .filter((call) => call !== 'docker-compose version');
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

  it('reports the processes and the fleet through the CLI inside the master container', () => {
    const result = run(['status']);
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([
      'docker info',
      compose('ps'),
      compose('exec -T master-orchestrator node packages/cli/dist/bin.js status'),
    ]);
    expect(result.calls.join('\n')).not.toContain('redis-cli');
  });

  it('wipes one agent through the CLI inside the master container', () => {
    const result = run(['wipe', '--agent', 'backend-agent-1']);
    expect(result.status).toBe(0);
    expect(result.calls.at(-1)).toBe(
      compose(
        'exec -T master-orchestrator node packages/cli/dist/bin.js wipe --agent backend-agent-1',
      ),
    );
  });

  it('falls back to the local runtime when `docker info` fails', () => {
    const result = run(['status'], { FAKE_DOCKER_INFO: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the fleet is not up (local runtime');
  });
});
