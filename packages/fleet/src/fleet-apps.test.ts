import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKER_ROLES } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { fleetApps } from './fleet-apps.js';
import { AGENT_SERVICES, isServiceOrReplica } from './fleet-services.js';
import { carriedSettings } from './fleet-settings.js';
import { FleetState, quoteShell, unquoteShell } from './fleet-state.js';

const settings = {
  REDIS_URL: 'redis://default:pw@127.0.0.1:6380',
  LOG_LEVEL: 'debug',
  BULL_BOARD_PORT: '3100',
  WORKSPACE_ROOT: '/repo/.state/workspace',
  PIP_FIND_LINKS: '/wheels',
};
const base = { root: '/repo', stateDir: '/repo/.state', settings };

describe('fleetApps', () => {
  it('runs the master and one replica of each agent service by default', () => {
    const apps = fleetApps({ ...base, replicas: {} });
    expect(apps.map((app) => app.name)).toEqual([
      'master-orchestrator',
      ...WORKER_ROLES.map((role) => `${role}-agent-1`),
    ]);
    const master = apps[0];
    expect(master?.script).toBe('/repo/services/master-orchestrator/dist/main.js');
    expect(master?.env).toMatchObject({
      AGENT_ROLE: 'master',
      AGENT_ID: 'master-orchestrator-1',
      BULL_BOARD_PORT: '3100',
      MALLOC_ARENA_MAX: '2',
    });
    expect(master?.kill_timeout).toBe(30_000);
    expect(master?.out_file).toBe('/repo/.state/logs/master-orchestrator.out.log');
  });

  it('gives each replica its own AGENT_ID in the service namespace, and every setting of up', () => {
    const apps = fleetApps({ ...base, replicas: { 'backend-agent': 3 } });
    const backends = apps.filter((app) => app.namespace === 'backend-agent');
    expect(backends.map((app) => app.env.AGENT_ID)).toEqual([
      'backend-agent-1',
      'backend-agent-2',
      'backend-agent-3',
    ]);
    for (const app of backends) {
      expect(app.env).toMatchObject({
        AGENT_ROLE: 'backend',
        PIP_FIND_LINKS: '/wheels',
        MALLOC_ARENA_MAX: '2',
      });
      expect(app.script).toBe('/repo/services/agent-worker/dist/main.js');
    }
  });

  it('runs no replica of a service scaled to 0, and takes entries from the settings', () => {
    const apps = fleetApps({
      ...base,
      settings: { ...settings, CODEGOD_WORKER_ENTRY: 'tests/stand-in.mjs' },
      replicas: { 'devops-agent': 0 },
    });
    expect(apps.some((app) => app.namespace === 'devops-agent')).toBe(false);
    expect(apps.find((app) => app.name === 'testing-agent-1')?.script).toBe(
      '/repo/tests/stand-in.mjs',
    );
  });
});

describe('Redis Commander in the local runtime', () => {
  it('serves the fleet Redis on 127.0.0.1 behind a login that the services never see', () => {
    const apps = fleetApps({
      ...base,
      settings: {
        ...settings,
        REDIS_URL: 'redis://default:s%40cret@127.0.0.1:6380/2',
        REDIS_COMMANDER_PORT: '8081',
        REDIS_COMMANDER_USER: 'admin',
        REDIS_COMMANDER_PASSWORD: 'letmein',
      },
      replicas: {},
    });
    const commander = apps.find((app) => app.name === 'redis-commander');
    expect(commander?.script).toBe('/repo/node_modules/redis-commander/bin/redis-commander.js');
    const config = JSON.parse(commander?.env.NODE_CONFIG ?? '{}');
    expect(config.server).toEqual({
      address: '127.0.0.1',
      port: 8081,
      httpAuth: { username: 'admin', password: 'letmein' },
    });
    expect(config.connections).toEqual([
      { label: 'codegod', host: '127.0.0.1', port: 6380, password: 's@cret', dbIndex: 2 },
    ]);
    for (const app of apps.filter((candidate) => candidate !== commander)) {
      expect(Object.keys(app.env).filter((name) => name.startsWith('REDIS_COMMANDER_'))).toEqual(
        [],
      );
    }
  });

  it('is left out when up did not set it up', () => {
    expect(fleetApps({ ...base, replicas: {} }).some((app) => app.name === 'redis-commander')).toBe(
      false,
    );
  });
});

describe('the fleet state', () => {
  it('keeps settings with any characters through the env file, readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegod-fleet-state-'));
    try {
      const state = new FleetState(dir);
      expect(state.readEnv()).toBeUndefined();
      const values = { PLAIN: 'redis://u:p@h:1/0', ODD: 'it\'s a $HOME `x` "q" \\ end', EMPTY: '' };
      state.writeEnv(values);
      expect(state.readEnv()).toEqual({ PLAIN: values.PLAIN, ODD: values.ODD });
      expect(statSync(state.envFile).mode & 0o777).toBe(0o600);
      state.removeEnv();
      expect(state.readEnv()).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads service=N lines and defaults the rest to 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegod-fleet-state-'));
    try {
      writeFileSync(join(dir, 'replicas'), 'backend-agent=3\nnot-a-service=9\ngarbage\n');
      const replicas = new FleetState(dir).readReplicas();
      expect(replicas['backend-agent']).toBe(3);
      expect(Object.keys(replicas).sort()).toEqual([...AGENT_SERVICES].sort());
      expect(replicas['frontend-agent']).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads values written by bash printf %q as well', () => {
    expect(unquoteShell('a\\ b\\$c')).toBe('a b$c');
    expect(unquoteShell(quoteShell("x'y z"))).toBe("x'y z");
  });
});

describe('carriedSettings', () => {
  it('keeps the settings services read and drops the rest of the environment', () => {
    const carried = carriedSettings({
      VLLM_API_URL: 'http://llm/v1',
      LLM_MODEL: 'm',
      PIP_FIND_LINKS: '/wheels',
      CODEGOD_SANDBOX: 'none',
      CODEGOD_STATE_DIR: '/state',
      HOME: '/root',
      TERM: 'xterm',
      SECRET_OF_SHELL: 'x',
    });
    expect(carried).toEqual({
      VLLM_API_URL: 'http://llm/v1',
      LLM_MODEL: 'm',
      PIP_FIND_LINKS: '/wheels',
      CODEGOD_SANDBOX: 'none',
    });
  });
});

describe('service names', () => {
  it('accepts services and local replicas of agent services only', () => {
    expect(isServiceOrReplica('redis')).toBe(true);
    expect(isServiceOrReplica('backend-agent-2')).toBe(true);
    expect(isServiceOrReplica('redis-2')).toBe(false);
    expect(isServiceOrReplica('nope')).toBe(false);
  });
});
