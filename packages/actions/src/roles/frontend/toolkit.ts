import type { Observation } from '@codegod/protocol';
import { checkRunner } from '../../acceptance/check-runner.js';
import type { ActionContext, HealthCheck, RoleToolkit } from '../../action.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import {
  checkFileExistsAction,
  readFileAction,
  runCommandAction,
  writeFileAction,
} from '../../shared/common-actions.js';
import { describeCommand } from '../../shared/outcome.js';
import { sandboxFactory, type ToolkitOptions } from '../../shared/sandbox-for.js';
import { toolVersion } from '../../shared/tool-versions.js';
import { warmUpFor } from '../../shared/warm-up.js';
import {
  buildFrontendAction,
  checkEntryPointAction,
  npmInstallAction,
  npmRunAction,
  updatePackageJsonAction,
} from './actions.js';
import {
  entryModuleFormat,
  entryPoint,
  LOAD_ENTRY_SCRIPT,
  missingDependencies,
  REQUIRE_ENTRY_SCRIPT,
  readPackageJson,
} from './package-json.js';

/** Executables the frontend role may run. npx is left out: it fetches and runs any package. */
export const FRONTEND_ALLOWLIST = ['npm', 'node'] as const;

/** Time the entry-point load check may take; a module that loads for longer is broken anyway. */
const LOAD_CHECK_TIMEOUT_MS = 30_000;

/** The frontend role: package.json, npm and the Node entry point. */
export function frontendToolkit(options: ToolkitOptions = {}): RoleToolkit<'frontend'> {
  const sandbox = sandboxFactory(FRONTEND_ALLOWLIST, options);

  async function observe(
    _task: unknown,
    { workspace, signal }: ActionContext,
  ): Promise<Observation> {
    const box = sandbox(workspace);
    const nodeVersion = await toolVersion(box, 'node', signal);
    const pkg = await readPackageJson(box).catch((error: Error) => error);
    const findings: string[] = [];
    if (pkg instanceof Error) {
      findings.push(`package.json is malformed: ${pkg.message}`);
      return { node_version: nodeVersion, package_json: 'malformed', findings };
    }
    if (!pkg) {
      findings.push('no package.json in the workspace');
      return { node_version: nodeVersion, package_json: null, findings };
    }
    const main = entryPoint(pkg);
    const mainExists = await box.exists(main);
    const nodeModules = await box.exists('node_modules');
    const missing = await missingDependencies(box, pkg);
    // The lockfile says which manager the project uses; npm is what this role can run.
    const packageManager = (await box.exists('yarn.lock'))
      ? 'yarn'
      : (await box.exists('pnpm-lock.yaml'))
        ? 'pnpm'
        : 'npm';
    if (!mainExists) findings.push(`package.json main points at ${main}, which does not exist`);
    if (!nodeModules) findings.push('node_modules is missing: dependencies are not installed');
    else if (missing.length > 0) findings.push(`not installed: ${missing.join(', ')}`);
    return {
      node_version: nodeVersion,
      package_json: { name: pkg.name ?? null, main, type: pkg.type ?? 'commonjs' },
      entry_point: main,
      entry_point_exists: mainExists,
      package_manager: packageManager,
      scripts: pkg.scripts ?? {},
      dependencies: { ...pkg.dependencies, ...pkg.devDependencies },
      node_modules_exists: nodeModules,
      missing_dependencies: missing,
      findings,
    };
  }

  /** The health check's one command: loading the entry point; or why it cannot run. */
  async function loadCheck(box: Sandbox): Promise<{ main: string; args: string[] } | string> {
    const pkg = await readPackageJson(box).catch(() => undefined);
    if (!pkg) return 'package.json is missing or malformed';
    const missing = await missingDependencies(box, pkg);
    if (missing.length > 0) return `dependencies not installed: ${missing.join(', ')}`;
    const main = entryPoint(pkg);
    const commonjs = (await entryModuleFormat(box, main)) === 'commonjs';
    return { main, args: ['-e', commonjs ? REQUIRE_ENTRY_SCRIPT : LOAD_ENTRY_SCRIPT, main] };
  }

  async function validate(
    _task: unknown,
    { workspace, signal }: ActionContext,
  ): Promise<HealthCheck> {
    const box = sandbox(workspace);
    const check = await loadCheck(box);
    if (typeof check === 'string') return { valid: false, output: check };
    const { main, args } = check;
    const result = await box.run('node', args, { signal, timeoutMs: LOAD_CHECK_TIMEOUT_MS });
    const shown = describeCommand(result, `node -e <load entry point> ${main}`);
    return {
      valid: result.exitCode === 0,
      output: `${shown}\n-> exit ${result.exitCode ?? 'killed'}`,
    };
  }

  return {
    role: 'frontend',
    sandbox: sandbox.kind,
    actions: [
      npmInstallAction(sandbox),
      npmRunAction(sandbox),
      updatePackageJsonAction(sandbox),
      checkEntryPointAction(sandbox),
      buildFrontendAction(sandbox),
      checkFileExistsAction(sandbox),
      runCommandAction(sandbox),
      readFileAction(sandbox),
      writeFileAction(sandbox),
    ],
    observe,
    validate,
    async warmUp(task, { workspace }) {
      const box = sandbox(workspace);
      const check = await loadCheck(box);
      const health =
        typeof check === 'string'
          ? []
          : [{ command: 'node', args: check.args, options: { timeoutMs: LOAD_CHECK_TIMEOUT_MS } }];
      return warmUpFor(box, task, health);
    },
    ...checkRunner(sandbox),
  };
}
