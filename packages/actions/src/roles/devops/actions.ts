import { z } from 'zod';
import type { ActionDefinition } from '../../action.js';
import { defineAction } from '../../shared/define-action.js';
import { failed, succeeded } from '../../shared/outcome.js';
import type { SandboxFactory } from '../../shared/sandbox-for.js';
import { followBuild, runContainer } from './docker-calls.js';
import type { DockerEngine } from './docker-engine.js';
import { dockerfileProblems } from './dockerfile.js';
import { readEnvFile, writeEnvFile } from './env-file.js';
import { walkContext } from './walk-context.js';

const imageTag = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?$/, 'expected an image tag like myapp:latest');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name like DATABASE_URL');
const containerSettings = {
  image: imageTag,
  command: z.array(z.string()).optional().describe('overrides the image CMD'),
  env: z.record(envName, z.string()).default({}),
  ports: z
    .record(z.string().regex(/^\d+(\/(tcp|udp))?$/), z.number().int().min(1).max(65535))
    .default({})
    .describe('container port (e.g. "5000/tcp") to host port'),
};

/** create_dockerfile: writes a Dockerfile from parts, or as given, and checks it. */
export function createDockerfileAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'create_dockerfile',
    description:
      'Write a Dockerfile, either verbatim (content) or from a base image, copies, RUN steps, ports and CMD.',
    input: z.object({
      path: z.string().min(1).default('Dockerfile'),
      content: z.string().optional().describe('the whole Dockerfile; other fields are ignored'),
      base_image: z.string().min(1).optional().describe('e.g. python:3.11-slim'),
      workdir: z.string().default('/app'),
      copy: z
        .array(z.object({ source: z.string(), target: z.string() }))
        .default([{ source: '.', target: '.' }]),
      run: z.array(z.string()).default([]),
      expose: z.array(z.number().int().min(1).max(65535)).default([]),
      cmd: z.array(z.string()).default([]),
    }),
    async run(input, { workspace }) {
      const box = sandbox(workspace);
      let text = input.content;
      if (text === undefined) {
        if (!input.base_image) return failed('invalid-input', 'give content or a base_image');
        text = [
          `FROM ${input.base_image}`,
          `WORKDIR ${input.workdir}`,
          ...input.copy.map(({ source, target }) => `COPY ${source} ${target}`),
          ...input.run.map((command) => `RUN ${command}`),
          ...input.expose.map((port) => `EXPOSE ${port}`),
          ...(input.cmd.length > 0 ? [`CMD ${JSON.stringify(input.cmd)}`] : []),
        ].join('\n');
        text += '\n';
      }
      const problems = await dockerfileProblems(text, (source) => box.exists(source));
      if (problems.length > 0) {
        return failed('dockerfile-invalid', `not written: ${problems.join('; ')}`);
      }
      await box.writeFile(input.path, text);
      return succeeded(`wrote ${input.path}:\n${text}`);
    },
  });
}

/** build_image: sends the context to the engine's /build and follows the build to its end. */
export function buildImageAction(sandbox: SandboxFactory, engine: DockerEngine): ActionDefinition {
  return defineAction({
    name: 'build_image',
    description:
      'Build a Docker image from the workspace (or a folder in it) with the Docker engine.',
    input: z.object({
      tag: imageTag,
      context: z.string().min(1).default('.'),
      dockerfile: z.string().min(1).default('Dockerfile'),
    }),
    async run({ tag, context, dockerfile }, { workspace }) {
      const box = sandbox(workspace);
      const contextPath = await box.resolvePath(context);
      if (!(await box.exists(`${context}/${dockerfile}`))) {
        return failed(
          'file-missing',
          `${context}/${dockerfile} does not exist; run create_dockerfile first`,
        );
      }
      const docker = await engine.connect();
      const src = await walkContext(contextPath);
      const stream = await docker.buildImage({ context: contextPath, src }, { t: tag, dockerfile });
      const log = await followBuild(docker, stream);
      if (log.error)
        return failed('image-build-failed', `docker build failed: ${log.error}`, {
          output: log.output,
        });
      return succeeded(`built ${tag}\n${log.output}`);
    },
  });
}

/** run_container: creates and starts a container, and by default waits for it to exit. */
export function runContainerAction(engine: DockerEngine): ActionDefinition {
  return defineAction({
    name: 'run_container',
    description: 'Run a container from an image; waits for it to exit unless wait is false.',
    input: z.object({
      ...containerSettings,
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)
        .optional(),
      wait: z.boolean().default(true),
    }),
    async run(input) {
      const docker = await engine.connect();
      const { id, statusCode } = await runContainer(docker, { ...input, restart: undefined });
      if (statusCode === undefined) return succeeded(`started container ${id}`);
      if (statusCode !== 0)
        return failed('container-failed', `container ${id} exited with ${statusCode}`);
      return succeeded(`container ${id} exited with 0`);
    },
  });
}

/** deploy: starts a long-running, named container that Docker restarts unless stopped. */
export function deployAction(engine: DockerEngine): ActionDefinition {
  return defineAction({
    name: 'deploy',
    description: 'Deploy an image as a named, restarting container with its ports published.',
    input: z.object({
      ...containerSettings,
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    }),
    async run(input) {
      const docker = await engine.connect();
      const { id } = await runContainer(docker, {
        ...input,
        wait: false,
        restart: 'unless-stopped',
      });
      return succeeded(`deployed ${input.image} as ${input.name} (container ${id})`);
    },
  });
}

/** setup_env: writes variables into a .env file, keeping the ones it does not name. */
export function setupEnvAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'setup_env',
    description:
      'Set variables in a .env file (merged with what is there); values of secrets are not echoed.',
    input: z.object({
      file: z.string().min(1).default('.env'),
      variables: z.record(envName, z.string().regex(/^[^\r\n]*$/, 'one line per value')),
    }),
    async run({ file, variables }, { workspace }) {
      const box = sandbox(workspace);
      const existing = (await box.exists(file)) ? readEnvFile(await box.readFile(file)) : {};
      const merged = { ...existing, ...variables };
      await box.writeFile(file, writeEnvFile(merged));
      return succeeded(`${file} sets ${Object.keys(merged).join(', ')}`);
    },
  });
}
