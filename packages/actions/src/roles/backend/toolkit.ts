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
import { toolVersion, venvPythonVersion } from '../../shared/tool-versions.js';
import { type PlannedRun, warmUpFor } from '../../shared/warm-up.js';
import { createVenvAction, installDependencyAction, updateRequirementsAction } from './actions.js';
import { canonicalName, importName, parseRequirements } from './python-requirements.js';
import { findVenv, installedPackages } from './venv.js';

/** Executables the backend role may run. */
export const BACKEND_ALLOWLIST = [
  'python3',
  'venv/bin/python',
  'venv/bin/pip',
  '.venv/bin/python',
  '.venv/bin/pip',
] as const;

const REQUIREMENTS_FILE = 'requirements.txt';

/** The backend role: Python venvs, pip and requirements. */
export function backendToolkit(options: ToolkitOptions = {}): RoleToolkit<'backend'> {
  const sandbox = sandboxFactory(BACKEND_ALLOWLIST, options);

  async function observe(
    _task: unknown,
    { workspace, signal }: ActionContext,
  ): Promise<Observation> {
    const box = sandbox(workspace);
    const venv = await findVenv(box);
    const python = venv ? `${venv}/bin/python` : 'python3';
    // The venv's pyvenv.cfg names its Python; only without a venv is the interpreter asked
    // (once per process).
    const version = venv
      ? (venvPythonVersion(await box.readFile(`${venv}/pyvenv.cfg`)) ??
        (await toolVersion(box, python, signal)))
      : await toolVersion(box, python, signal);
    const installed = venv ? await installedPackages(box, venv) : [];
    const requirements = (await box.exists(REQUIREMENTS_FILE))
      ? parseRequirements(await box.readFile(REQUIREMENTS_FILE))
      : [];
    const installedNames = new Set(installed.map((entry) => canonicalName(entry.split('==')[0]!)));
    const missing = requirements.filter((r) => !installedNames.has(canonicalName(r.name)));
    const findings: string[] = [];
    if (!venv) findings.push('no virtual environment (venv/ or .venv/) in the workspace');
    if (!(await box.exists(REQUIREMENTS_FILE))) findings.push('no requirements.txt');
    for (const requirement of missing) {
      findings.push(
        `${requirement.name} is listed in requirements.txt but not installed${venv ? ' in the venv' : ''}`,
      );
    }
    // The seed's error_log: what importing the first missing requirement really says.
    let errorLog: string | null = null;
    if (venv && missing[0]) {
      const probe = await box.run(python, ['-c', `import ${importName(missing[0].name)}`], {
        signal,
      });
      errorLog = probe.exitCode === 0 ? null : (probe.stderr.trim().split('\n').pop() ?? null);
    }
    return {
      error_log: errorLog,
      python_version: version.replace(/^Python\s+/, ''),
      venv_exists: venv !== undefined,
      venv_path: venv ?? null,
      package_manager: 'pip',
      installed_packages: installed,
      requirements: requirements.map((r) => r.spec),
      missing_requirements: missing.map((r) => r.name),
      findings,
    };
  }

  /**
   * The health check's one command: every requirement must import in the venv, all in one
   * interpreter run (one process, not one per requirement; a failure names the module); with
   * none, the interpreter must run. Undefined without a venv.
   */
  async function importCheck(box: Sandbox): Promise<PlannedRun | undefined> {
    const venv = await findVenv(box);
    if (!venv) return undefined;
    const requirements = (await box.exists(REQUIREMENTS_FILE))
      ? parseRequirements(await box.readFile(REQUIREMENTS_FILE))
      : [];
    const modules = [...new Set(requirements.map((r) => importName(r.name)))];
    const args = ['-c', `import ${modules.length > 0 ? modules.join(', ') : 'sys'}`];
    return { command: `${venv}/bin/python`, args };
  }

  async function validate(
    _task: unknown,
    { workspace, signal }: ActionContext,
  ): Promise<HealthCheck> {
    const box = sandbox(workspace);
    const check = await importCheck(box);
    if (!check) return { valid: false, output: 'no virtual environment (venv/ or .venv/) found' };
    const result = await box.run(check.command, check.args, { signal });
    return {
      valid: result.exitCode === 0,
      output: `${describeCommand(result)}\n-> exit ${result.exitCode ?? 'killed'}`,
    };
  }

  return {
    role: 'backend',
    sandbox: sandbox.kind,
    actions: [
      createVenvAction(sandbox),
      installDependencyAction(sandbox),
      updateRequirementsAction(sandbox),
      checkFileExistsAction(sandbox),
      runCommandAction(sandbox),
      readFileAction(sandbox),
      writeFileAction(sandbox),
    ],
    observe,
    validate,
    async warmUp(task, { workspace }) {
      const box = sandbox(workspace);
      const check = await importCheck(box);
      return warmUpFor(box, task, check ? [check] : []);
    },
    ...checkRunner(sandbox),
  };
}
