import { readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeDockerServer,
  makeMissingDockerfileFixture,
  runPlanSteps,
  startFakeDockerServer,
} from '../../fixtures/index.js';
import { devopsToolkit } from './toolkit.js';

const task: Task = {
  id: 'dockerize',
  description: 'Dockerize the app',
  role: 'devops',
  depends_on: [],
};

const dockerfileStep = {
  action: 'create_dockerfile',
  args: {
    base_image: 'python:3.11-slim',
    copy: [{ source: '.', target: '.' }],
    run: ['pip install -r requirements.txt'],
    expose: [5000],
    cmd: ['python', 'app.py'],
  },
};

describe('devops toolkit', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  const setup = async () => {
    const dir = await tempDir('codegod-devops-');
    cleanups.push(dir.remove);
    return makeMissingDockerfileFixture(dir.path);
  };
  const fakeDocker = async (options = {}): Promise<FakeDockerServer> => {
    const server = await startFakeDockerServer(options);
    cleanups.push(server.stop);
    return server;
  };

  it('repairs the missing Dockerfile with plan steps, then validates', async () => {
    const { workspace } = await setup();
    const toolkit = devopsToolkit({ dockerHost: 'unix:///nonexistent/docker.sock' });
    const observation = await toolkit.observe(task, { workspace });
    expect(observation).toMatchObject({ dockerfile_exists: false, engine_reachable: false });
    expect(observation.findings).toContain(
      'no Docker engine reachable at unix:///nonexistent/docker.sock',
    );
    expect(await toolkit.validate(task, { workspace })).toEqual({
      valid: false,
      output: 'Dockerfile is missing',
    });

    const outcomes = await runPlanSteps(
      toolkit,
      [
        dockerfileStep,
        {
          action: 'setup_env',
          args: { variables: { FLASK_ENV: 'production', SECRET_KEY: 's3cr3t-value' } },
        },
      ],
      { workspace },
    );
    expect(outcomes.map((o) => o.success)).toEqual([true, true]);
    expect(outcomes[1]!.output).not.toContain('s3cr3t-value');
    expect(await readFile(join(workspace, 'Dockerfile'), 'utf8')).toBe(
      'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nEXPOSE 5000\nCMD ["python","app.py"]\n',
    );
    expect(await readFile(join(workspace, '.env'), 'utf8')).toBe(
      'FLASK_ENV=production\nSECRET_KEY=s3cr3t-value\n',
    );
    expect(await toolkit.validate(task, { workspace })).toMatchObject({ valid: true });
  });

  it('observes the compose file and .env at the top of the workspace, and their absence', async () => {
    const { workspace } = await setup();
    const toolkit = devopsToolkit({ dockerHost: 'unix:///nonexistent/docker.sock' });
    expect(await toolkit.observe(task, { workspace })).toMatchObject({
      compose_file: null,
      env_file_exists: false,
    });
    await writeFile(join(workspace, 'docker-compose.yml'), 'services: {}\n');
    await writeFile(join(workspace, 'compose.yaml'), 'services: {}\n');
    await writeFile(join(workspace, '.env'), 'A=1\n');
    const observation = await toolkit.observe(task, { workspace });
    expect(observation).toMatchObject({ compose_file: 'compose.yaml', env_file_exists: true });
    expect(observation.findings).not.toContain('no compose file in the workspace');
  });

  it('takes a Dockerfile that links to nothing for none, and refuses one that links out', async () => {
    const { workspace } = await setup();
    const toolkit = devopsToolkit({ dockerHost: 'unix:///nonexistent/docker.sock' });
    await symlink(join(workspace, 'gone'), join(workspace, 'Dockerfile'));
    expect(await toolkit.observe(task, { workspace })).toMatchObject({ dockerfile_exists: false });
    expect(await toolkit.validate(task, { workspace })).toEqual({
      valid: false,
      output: 'Dockerfile is missing',
    });
    const outside = await tempDir('codegod-devops-outside-');
    cleanups.push(outside.remove);
    await writeFile(join(outside.path, 'Dockerfile'), 'FROM scratch\n');
    await rm(join(workspace, 'Dockerfile'));
    await symlink(join(outside.path, 'Dockerfile'), join(workspace, 'Dockerfile'));
    await expect(toolkit.observe(task, { workspace })).rejects.toThrow(/outside/i);
    await expect(toolkit.validate(task, { workspace })).rejects.toThrow(/outside/i);
  });

  it('refuses to observe a compose file that links out of the workspace', async () => {
    const { workspace } = await setup();
    const outside = await tempDir('codegod-devops-outside-');
    cleanups.push(outside.remove);
    await writeFile(join(outside.path, 'compose.yaml'), 'services: {}\n');
    await symlink(join(outside.path, 'compose.yaml'), join(workspace, 'compose.yaml'));
    const toolkit = devopsToolkit({ dockerHost: 'unix:///nonexistent/docker.sock' });
    await expect(toolkit.observe(task, { workspace })).rejects.toThrow(/outside/i);
  });

  it('refuses a Dockerfile that copies files the context lacks', async () => {
    const { workspace } = await setup();
    const toolkit = devopsToolkit({ dockerHost: 'unix:///nonexistent/docker.sock' });
    const [outcome] = await runPlanSteps(
      toolkit,
      [{ action: 'create_dockerfile', args: { content: 'FROM node:20\nCOPY dist/ /app/\n' } }],
      { workspace },
    );
    expect(outcome).toMatchObject({ success: false, error: { code: 'dockerfile-invalid' } });
    expect(outcome!.output).toContain('dist/');
    expect(await readdir(workspace)).not.toContain('Dockerfile');
  });

  it('fails docker actions non-retryably when no engine answers', async () => {
    const { workspace } = await setup();
    const toolkit = devopsToolkit({ dockerHost: 'unix:///nonexistent/docker.sock' });
    const outcomes = await runPlanSteps(
      toolkit,
      [dockerfileStep, { action: 'build_image', args: { tag: 'app:1' } }],
      {
        workspace,
      },
    );
    expect(outcomes[1]).toMatchObject({
      success: false,
      error: { code: 'docker-unavailable', isRetryable: false },
    });
    expect(outcomes[1]!.error!.message).toMatch(
      /^no Docker engine reachable at unix:\/\/\/nonexistent\/docker.sock/,
    );
    for (const step of [
      { action: 'run_container', args: { image: 'app:1' } },
      { action: 'deploy', args: { image: 'app:1', name: 'app' } },
    ]) {
      const [outcome] = await runPlanSteps(toolkit, [step], { workspace });
      expect(outcome!.error).toMatchObject({ code: 'docker-unavailable', isRetryable: false });
    }
  });

  it('builds, runs and deploys against the stand-in engine with the right wire calls', async () => {
    const { workspace } = await setup();
    const docker = await fakeDocker();
    const toolkit = devopsToolkit({ dockerHost: docker.dockerHost });
    expect((await toolkit.observe(task, { workspace })).engine_reachable).toBe(true);
    const outcomes = await runPlanSteps(
      toolkit,
      [
        dockerfileStep,
        { action: 'build_image', args: { tag: 'flask-app:1' } },
        {
          action: 'run_container',
          args: { image: 'flask-app:1', command: ['python', '-c', 'print(1)'] },
        },
        {
          action: 'deploy',
          args: {
            image: 'flask-app:1',
            name: 'flask-app',
            ports: { '5000': 8080 },
            env: { A: 'b' },
          },
        },
      ],
      { workspace },
    );
    expect(outcomes.map((o) => [o.action, o.success])).toEqual([
      ['create_dockerfile', true],
      ['build_image', true],
      ['run_container', true],
      ['deploy', true],
    ]);
    const calls = docker.requests
      .filter((r) => r.path !== '/_ping')
      .map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual([
      'POST /build',
      'POST /containers/create',
      'POST /containers/fake-container-1/start',
      'POST /containers/fake-container-1/wait',
      'POST /containers/create',
      'POST /containers/fake-container-2/start',
    ]);
    const build = docker.requests.find((r) => r.path === '/build')!;
    expect(build.query).toMatchObject({ t: 'flask-app:1', dockerfile: 'Dockerfile' });
    expect(build.body).toEqual({ files: ['Dockerfile', 'app.py', 'requirements.txt'] });
    const [, deploy] = docker.requests.filter((r) => r.path === '/containers/create');
    expect(deploy!.query.name).toBe('flask-app');
    expect(deploy!.body).toMatchObject({
      Image: 'flask-app:1',
      Env: ['A=b'],
      ExposedPorts: { '5000/tcp': {} },
      HostConfig: {
        PortBindings: { '5000/tcp': [{ HostPort: '8080' }] },
        RestartPolicy: { Name: 'unless-stopped' },
      },
    });
  });

  it('reports a failed build and a failing container', async () => {
    const { workspace } = await setup();
    const docker = await fakeDocker({ buildError: 'pip: not found', exitCode: 3 });
    const toolkit = devopsToolkit({ dockerHost: docker.dockerHost });
    await runPlanSteps(toolkit, [dockerfileStep], { workspace });
    const [build] = await runPlanSteps(toolkit, [{ action: 'build_image', args: { tag: 'a:1' } }], {
      workspace,
    });
    expect(build).toMatchObject({ success: false, error: { code: 'image-build-failed' } });
    expect(build!.error!.message).toContain('pip: not found');
    const [run] = await runPlanSteps(
      toolkit,
      [{ action: 'run_container', args: { image: 'a:1' } }],
      { workspace },
    );
    expect(run).toMatchObject({ success: false, error: { code: 'container-failed' } });
  });

  it('rejects a malformed DOCKER_HOST at construction, naming the option and variable', () => {
    expect(() => devopsToolkit({ dockerHost: 'docker.example' })).toThrowError(
      /dockerHost.*DOCKER_HOST/,
    );
    expect(() => devopsToolkit({ env: { DOCKER_HOST: 'ftp://x' } })).toThrowError(/DOCKER_HOST/);
  });
});
