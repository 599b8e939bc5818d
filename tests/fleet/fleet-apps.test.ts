import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Pm2App {
  name: string;
  namespace: string;
  script: string;
  cwd: string;
  kill_timeout: number;
  out_file: string;
  error_file: string;
  env: Record<string, string>;
}

const require = createRequire(import.meta.url);
const { fleetApps, readReplicas } = require('../../scripts/fleet/fleet-apps.cjs') as {
  fleetApps: (env: Record<string, string>, replicas: Record<string, number>) => Pm2App[];
  readReplicas: (stateDir: string) => Record<string, number>;
};

const env = {
  CODEGOD_ROOT: '/repo',
  CODEGOD_STATE_DIR: '/repo/.state',
  REDIS_URL: 'redis://default:pw@127.0.0.1:6380',
  LOG_LEVEL: 'debug',
  BULL_BOARD_PORT: '3100',
  WORKSPACE_ROOT: '/repo/.state/workspace',
};
const one = { 'backend-agent': 1, 'frontend-agent': 1, 'devops-agent': 1, 'testing-agent': 1 };

describe('fleetApps', () => {
  it('runs the master and one replica of each agent service by default', () => {
    const apps = fleetApps(env, one);
    expect(apps.map((app) => app.name)).toEqual([
      'master-orchestrator',
      'backend-agent-1',
      'frontend-agent-1',
      'devops-agent-1',
      'testing-agent-1',
    ]);
    const master = apps[0]!;
    expect(master.script).toBe('/repo/services/master-orchestrator/dist/main.js');
    expect(master.env).toMatchObject({ AGENT_ROLE: 'master', BULL_BOARD_PORT: '3100' });
    const devops = apps.find((app) => app.name === 'devops-agent-1')!;
    expect(devops.script).toBe('/repo/services/agent-worker/dist/main.js');
    expect(devops.env).toEqual({
      REDIS_URL: env.REDIS_URL,
      LOG_LEVEL: 'debug',
      WORKSPACE_ROOT: env.WORKSPACE_ROOT,
      AGENT_ROLE: 'devops',
      AGENT_ID: 'devops-agent-1',
    });
    expect(devops.out_file).toBe('/repo/.state/logs/devops-agent-1.out.log');
    expect(devops.kill_timeout).toBeGreaterThanOrEqual(10_000);
  });

  it('gives each replica its own AGENT_ID in the service namespace', () => {
    const backends = fleetApps(env, { ...one, 'backend-agent': 3 }).filter(
      (app) => app.namespace === 'backend-agent',
    );
    expect(backends.map((app) => app.env.AGENT_ID)).toEqual([
      'backend-agent-1',
      'backend-agent-2',
      'backend-agent-3',
    ]);
    expect(new Set(backends.map((app) => app.env.AGENT_ROLE))).toEqual(new Set(['backend']));
  });

  it('runs no replica of a service scaled to 0', () => {
    const apps = fleetApps(env, { ...one, 'testing-agent': 0 });
    expect(apps.some((app) => app.namespace === 'testing-agent')).toBe(false);
  });

  it('refuses to run without the root and state dir', () => {
    expect(() => fleetApps({}, one)).toThrow(/CODEGOD_ROOT/);
  });
});

describe('readReplicas', () => {
  it('reads service=N lines and defaults the rest to 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegod-replicas-'));
    try {
      expect(readReplicas(dir)).toEqual(one);
      writeFileSync(join(dir, 'replicas'), 'backend-agent=3\nbogus=9\ntesting-agent=0\n');
      expect(readReplicas(dir)).toEqual({ ...one, 'backend-agent': 3, 'testing-agent': 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
