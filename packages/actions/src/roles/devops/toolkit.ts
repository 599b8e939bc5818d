import type { Observation } from '@codegod/protocol';
import { checkRunner } from '../../acceptance/check-runner.js';
import type { ActionContext, HealthCheck, RoleToolkit } from '../../action.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import {
  checkFileExistsAction,
  readFileAction,
  writeFileAction,
} from '../../shared/common-actions.js';
import { listFolder } from '../../shared/fs-lookups.js';
import { sandboxFactory, type ToolkitOptions } from '../../shared/sandbox-for.js';
import {
  buildImageAction,
  createDockerfileAction,
  deployAction,
  runContainerAction,
  setupEnvAction,
} from './actions.js';
import { createDockerEngine, type DockerEngineOptions } from './docker-engine.js';
import { dockerfileProblems, parseDockerfile } from './dockerfile.js';

/** Settings of the devops toolkit: the sandbox's, plus where the Docker engine is. */
export interface DevopsToolkitOptions extends ToolkitOptions, Omit<DockerEngineOptions, 'env'> {}

/** Executables the devops role may run: none; Docker is driven through its API (dockerode). */
export const DEVOPS_ALLOWLIST = [] as const;

/** Compose file names the observer looks for, in Docker's order of preference. */
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/**
 * The text of a workspace file, or undefined where `box.exists` would say false: nothing there,
 * or a link to nothing. One read instead of a lookup and then a read; anything else that stops
 * the read (a folder by that name, a link out of the workspace) throws as the read would.
 */
async function readIfPresent(box: Sandbox, path: string): Promise<string | undefined> {
  try {
    return await box.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The devops role: Dockerfiles, .env files, images and containers. */
export function devopsToolkit(options: DevopsToolkitOptions = {}): RoleToolkit<'devops'> {
  const sandbox = sandboxFactory(DEVOPS_ALLOWLIST, options);
  const engine = createDockerEngine({ ...options, env: options.env ?? process.env });

  async function observe(_task: unknown, { workspace }: ActionContext): Promise<Observation> {
    const box = sandbox(workspace);
    const mayExist = await topLevelListing(box);
    const exists = async (name: string) => mayExist(name) && (await box.exists(name));
    const dockerfile = mayExist('Dockerfile') ? await readIfPresent(box, 'Dockerfile') : undefined;
    let compose: string | null = null;
    for (const name of COMPOSE_FILES) {
      if (compose === null && (await exists(name))) compose = name;
    }
    const reachable = await engine.reachable();
    const findings: string[] = [];
    if (dockerfile === undefined) findings.push('no Dockerfile in the workspace');
    if (compose === null) findings.push('no compose file in the workspace');
    if (!reachable) findings.push(`no Docker engine reachable at ${engine.dockerHost}`);
    const from = dockerfile
      ? parseDockerfile(dockerfile).find((i) => i.keyword === 'FROM')
      : undefined;
    return {
      dockerfile_exists: dockerfile !== undefined,
      base_image: from?.args ?? null,
      compose_file: compose,
      env_file_exists: await exists('.env'),
      docker_host: engine.dockerHost,
      engine_reachable: reachable,
      findings,
    };
  }

  /**
   * Whether a name at the top of the workspace may exist, from one listing of it: most of the
   * names the observer looks for are absent, and a failing lookup costs an error object each.
   * A name the listing shows (in any letter case: the file system may ignore case) still goes
   * through the sandbox's checks; with no listing, every name does.
   */
  async function topLevelListing(box: Sandbox): Promise<(name: string) => boolean> {
    const listed = listFolder(box.workspace);
    if (listed === undefined) return () => true;
    const names = new Set(listed.map((name) => name.toLowerCase()));
    return (name) => names.has(name.toLowerCase());
  }

  async function validate(_task: unknown, { workspace }: ActionContext): Promise<HealthCheck> {
    const box = sandbox(workspace);
    const dockerfile = await readIfPresent(box, 'Dockerfile');
    if (dockerfile === undefined) return { valid: false, output: 'Dockerfile is missing' };
    const problems = await dockerfileProblems(dockerfile, (source) => box.exists(source));
    if (problems.length > 0) return { valid: false, output: `Dockerfile: ${problems.join('; ')}` };
    return {
      valid: true,
      output: 'Dockerfile starts with FROM and every COPY source is in the context',
    };
  }

  return {
    role: 'devops',
    sandbox: sandbox.kind,
    actions: [
      createDockerfileAction(sandbox),
      buildImageAction(sandbox, engine),
      runContainerAction(engine),
      setupEnvAction(sandbox),
      deployAction(engine),
      checkFileExistsAction(sandbox),
      readFileAction(sandbox),
      writeFileAction(sandbox),
    ],
    observe,
    validate,
    ...checkRunner(sandbox),
  };
}
