import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLE_DEFINITIONS, registeredRoles } from '@codegod/actions';
import { describe, expect, it } from 'vitest';
import {
  COMPOSE_FILE,
  type ComposeService,
  cleanEnv,
  composeConfig,
  mountSources,
  mountTargets,
  ROOT,
} from './compose-config.js';

/** One agent service per registered role, named `<role>-agent`. */
const AGENTS = Object.fromEntries(
  registeredRoles(ROLE_DEFINITIONS).map((role) => [`${role}-agent`, role]),
);
const NODE_SERVICES = ['master-orchestrator', ...Object.keys(AGENTS)];
const SERVICES = ['redis', 'redis-commander', 'vllm-server', ...NODE_SERVICES];
const DEFAULT_MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct';

const config = composeConfig();
const service = (name: string): ComposeService => {
  const found = config.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};
const healthcheckText = (name: string) => [service(name).healthcheck?.test ?? []].flat().join(' ');
/** `published:target` of each port, from the short (1.29) or long (compose v2) syntax. */
const publishedPorts = (name: string) =>
  ports(name).map((port) => `${port.published}:${port.target}`);
const ports = (name: string) =>
  (service(name).ports ?? []).map((port) => {
    if (typeof port !== 'string') return { ...port, published: String(port.published) };
    const [hostIp, published, target] = port.replace(/\/tcp$/, '').split(':');
    return { host_ip: hostIp, published, target: Number(target) };
  });

describe('docker-compose.agents.yml', () => {
  it('validates with docker-compose config and no .env', () => {
    const result = spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], {
      cwd: ROOT,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('has exactly the fleet services', () => {
    expect(Object.keys(config.services).sort()).toEqual([...SERVICES].sort());
  });

  it('runs redis with AOF, noeviction, a password and a healthcheck', () => {
    const command = service('redis').command ?? [];
    const flag = (name: string) => command[command.indexOf(name) + 1];
    expect(flag('--appendonly')).toBe('yes');
    expect(flag('--maxmemory-policy')).toBe('noeviction');
    expect(flag('--requirepass')).toBe('change-me');
    expect(healthcheckText('redis')).toContain('redis-cli ping');
    expect(service('redis').environment?.REDISCLI_AUTH).toBe('change-me');
    expect(mountTargets(service('redis'))).toContain('/data');
  });

  it('takes the redis password from the env file, into every REDIS_URL', () => {
    const custom = composeConfig({ REDIS_PASSWORD: 's3cret' });
    const command = custom.services.redis?.command ?? [];
    expect(command[command.indexOf('--requirepass') + 1]).toBe('s3cret');
    expect(custom.services['redis-commander']?.environment?.REDIS_HOSTS).toContain(':s3cret');
    for (const name of NODE_SERVICES) {
      expect(custom.services[name]?.environment?.REDIS_URL).toBe(
        'redis://default:s3cret@redis:6379',
      );
    }
  });

  it('serves redis-commander on 8081 behind HTTP auth from the env', () => {
    expect(publishedPorts('redis-commander')).toContain('8081:8081');
    const env = composeConfig({
      REDIS_COMMANDER_USER: 'ops',
      REDIS_COMMANDER_PASSWORD: 'pw1',
    }).services['redis-commander']?.environment;
    expect(env?.HTTP_USER).toBe('ops');
    expect(env?.HTTP_PASSWORD).toBe('pw1');
    expect(service('redis-commander').depends_on).toEqual({
      redis: { condition: 'service_healthy' },
    });
  });

  it('serves Bull Board behind a login from the env, read-only, published on loopback', () => {
    const master = service('master-orchestrator');
    // Inside the container it must listen everywhere for the port mapping, so it needs a login.
    expect(master.environment).toMatchObject({
      BULL_BOARD_HOST: '0.0.0.0',
      BULL_BOARD_USER: 'admin',
      BULL_BOARD_PASSWORD: 'change-me',
      BULL_BOARD_READ_ONLY: 'true',
    });
    expect(ports('master-orchestrator')).toContainEqual(
      expect.objectContaining({ host_ip: '127.0.0.1', target: 3000 }),
    );
    const custom = composeConfig({
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'pw2',
      BULL_BOARD_READ_ONLY: 'false',
    }).services['master-orchestrator']?.environment;
    expect(custom).toMatchObject({
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'pw2',
      BULL_BOARD_READ_ONLY: 'false',
    });
  });

  it('runs vllm-server on a GPU with the default model, an HF cache and a /health check', () => {
    const vllm = service('vllm-server');
    expect(vllm.image).toMatch(/^vllm\/vllm-openai:/);
    const command = vllm.command ?? [];
    expect(command[command.indexOf('--model') + 1]).toBe(DEFAULT_MODEL);
    const other = composeConfig({ LLM_MODEL: 'Qwen/Qwen2.5-7B-Instruct' });
    const otherCommand = other.services['vllm-server']?.command ?? [];
    expect(otherCommand[otherCommand.indexOf('--model') + 1]).toBe('Qwen/Qwen2.5-7B-Instruct');
    expect(other.services['backend-agent']?.environment?.LLM_MODEL).toBe(
      'Qwen/Qwen2.5-7B-Instruct',
    );
    const devices = vllm.deploy?.resources?.reservations?.devices ?? [];
    expect(devices.flatMap((device) => device.capabilities)).toContain('gpu');
    expect(mountTargets(vllm)).toContain('/root/.cache/huggingface');
    expect(mountSources(vllm)).toContain('hf-cache');
    expect(healthcheckText('vllm-server')).toContain(':8000/health');
    expect(publishedPorts('vllm-server')).toContain('8000:8000');
  });

  it('gives every agent its role and the shared settings', () => {
    for (const [name, role] of Object.entries(AGENTS)) {
      const env = service(name).environment ?? {};
      expect(env.AGENT_ROLE, name).toBe(role);
      expect(env.VLLM_API_URL, name).toBe('http://vllm-server:8000/v1');
      expect(env.REDIS_URL, name).toBe('redis://default:change-me@redis:6379');
      expect(env.LOG_LEVEL, name).toBe('info');
      expect(env.WORKSPACE_ROOT, name).toBe('/workspace');
      expect(service(name).build?.target, name).toBe('agent-worker');
    }
    const master = service('master-orchestrator');
    expect(master.environment?.AGENT_ROLE).toBe('master');
    expect(master.build?.target).toBe('master-orchestrator');
    expect(publishedPorts('master-orchestrator')).toContain('3000:3000');
  });

  it('starts the master and the agents once redis and vllm are healthy', () => {
    for (const name of NODE_SERVICES) {
      expect(service(name).depends_on, name).toEqual({
        redis: { condition: 'service_healthy' },
        'vllm-server': { condition: 'service_healthy' },
      });
    }
  });

  it('shares one workspace volume between the master and the agents', () => {
    expect(Object.keys(config.volumes ?? {})).toContain('workspace');
    for (const name of NODE_SERVICES) {
      const targets = mountTargets(service(name));
      expect(mountSources(service(name))[targets.indexOf('/workspace')], name).toBe('workspace');
    }
  });

  it('mounts the Docker socket into devops-agent only', () => {
    const withSocket = SERVICES.filter((name) =>
      mountSources(service(name)).includes('/var/run/docker.sock'),
    );
    expect(withSocket).toEqual(['devops-agent']);
  });

  it('confines the agents and the master (it runs run checks): container sandbox, non-root, read-only, no capabilities, bounded', () => {
    for (const name of [...Object.keys(AGENTS), 'master-orchestrator']) {
      const agent = service(name);
      expect(agent.environment?.CODEGOD_SANDBOX, name).toBe('container');
      expect(agent.user, name).toBe('node');
      expect(agent.read_only, name).toBe(true);
      expect([agent.tmpfs ?? []].flat(), name).toEqual(['/tmp']);
      // HOME (pip and npm caches) on the tmpfs: the rest of the root filesystem is read-only.
      expect(agent.environment?.HOME, name).toBe('/tmp');
      expect(agent.cap_drop, name).toEqual(['ALL']);
      expect(agent.security_opt, name).toContain('no-new-privileges:true');
      expect(Number(agent.pids_limit), name).toBe(512);
      expect(agent.mem_limit, name).toBe('4g');
      // The workspace volume is the only writable mount (devops also gets the Docker socket).
      const writable = (agent.volumes ?? []).filter(
        (volume) => typeof volume === 'string' || volume.type !== 'tmpfs',
      );
      expect(mountTargets({ volumes: writable }), name).toEqual(
        name === 'devops-agent' ? ['/workspace', '/var/run/docker.sock'] : ['/workspace'],
      );
    }
    const custom = composeConfig({
      CODEGOD_AGENT_PIDS_LIMIT: '128',
      CODEGOD_AGENT_MEMORY_LIMIT: '2g',
    }).services['backend-agent'];
    expect(Number(custom?.pids_limit)).toBe(128);
    expect(custom?.mem_limit).toBe('2g');
  });

  it('binds published ports to 127.0.0.1 by default', () => {
    for (const name of SERVICES) {
      for (const port of ports(name)) expect(port.host_ip, name).toBe('127.0.0.1');
    }
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');

  it('builds both service targets as the non-root node user, with a healthcheck', () => {
    expect(dockerfile).toMatch(/^FROM runtime AS toolchain$/m);
    expect(dockerfile).toMatch(/^FROM toolchain AS master-orchestrator$/m);
    expect(dockerfile).toMatch(/^FROM toolchain AS agent-worker$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*healthcheck\.mjs/m);
    const lastUser = [...dockerfile.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1];
    expect(lastUser).toBe('node');
    expect(dockerfile).toContain('services/master-orchestrator/dist/main.js');
    expect(dockerfile).toContain('services/agent-worker/dist/main.js');
  });

  it('makes the container the sandbox of the agent and master images', () => {
    const agentStage = dockerfile.slice(dockerfile.indexOf('AS agent-worker'));
    expect(agentStage).toMatch(/CODEGOD_SANDBOX=container/);
    const masterStage = dockerfile.slice(
      dockerfile.indexOf('AS master-orchestrator'),
      dockerfile.indexOf('AS agent-worker'),
    );
    expect(masterStage).toMatch(/CODEGOD_SANDBOX=container/);
  });

  it('gives the agent and master images python3 with venv and pip (run checks use them too)', () => {
    const toolchain = dockerfile.slice(
      dockerfile.indexOf('AS toolchain'),
      dockerfile.indexOf('AS master-orchestrator'),
    );
    for (const name of ['python3', 'python3-venv', 'python3-pip']) {
      expect(toolchain).toMatch(new RegExp(`\\s${name}\\s`));
    }
  });
});

describe('shell scripts', () => {
  it('pass shellcheck, and start-agents.sh stays a thin wrapper', () => {
    expect(
      readFileSync(join(ROOT, 'start-agents.sh'), 'utf8').split('\n').length,
    ).toBeLessThanOrEqual(40);
    const output = execFileSync('shellcheck', ['start-agents.sh', '.ci/run'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(output).toBe('');
  });
});
