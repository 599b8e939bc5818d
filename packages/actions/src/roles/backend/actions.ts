import { z } from 'zod';
import type { ActionDefinition } from '../../action.js';
import { defineAction } from '../../shared/define-action.js';
import { failed, fromCommand, succeeded } from '../../shared/outcome.js';
import type { SandboxFactory } from '../../shared/sandbox-for.js';
import { canonicalName, parseRequirements, REQUIREMENT_PATTERN } from './python-requirements.js';
import { VENV_DIRS } from './venv.js';

const venvSchema = z.enum(VENV_DIRS).default('venv').describe('virtual environment folder');
const requirementSchema = z
  .string()
  .regex(REQUIREMENT_PATTERN, 'expected a requirement like flask or flask==3.0.0');

/** create_venv: `python3 -m venv <path>`. */
export function createVenvAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'create_venv',
    description: 'Create a Python virtual environment (with pip) in the workspace.',
    input: z.object({ path: venvSchema }),
    async run({ path }, { workspace, signal }) {
      const args = ['-m', 'venv', path];
      return fromCommand('python3', await sandbox(workspace).run('python3', args, { signal }));
    },
  });
}

/** install_dependency: pip install into the venv, by name or from a requirements file. */
export function installDependencyAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'install_dependency',
    description:
      "Install Python packages into the venv with the venv's pip, by name and/or from a requirements file.",
    input: z.object({
      packages: z.array(requirementSchema).default([]),
      requirements_file: z.string().min(1).optional().describe('e.g. requirements.txt'),
      venv: venvSchema,
    }),
    async run({ packages, requirements_file, venv }, { workspace, signal }) {
      if (packages.length === 0 && requirements_file === undefined) {
        return failed('invalid-input', 'name packages or a requirements_file to install');
      }
      const box = sandbox(workspace);
      const pip = `${venv}/bin/pip`;
      if (!(await box.exists(pip))) {
        return failed('venv-missing', `${pip} does not exist; run create_venv first`);
      }
      const args = ['install', '--disable-pip-version-check', '--no-input'];
      if (requirements_file !== undefined) {
        await box.resolvePath(requirements_file);
        args.push('-r', requirements_file);
      }
      args.push(...packages);
      // Specifiers were checked against REQUIREMENT_PATTERN; `>=` must not trip the `>` check.
      const result = await box.run(pip, args, { signal, trustedArguments: true, network: true });
      return fromCommand(pip, result);
    },
  });
}

/** update_requirements: adds, replaces or removes lines of requirements.txt. */
export function updateRequirementsAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'update_requirements',
    description:
      'Add (or re-pin) and remove requirements in a requirements file; an added name replaces its old line.',
    input: z.object({
      add: z.array(requirementSchema).default([]),
      remove: z.array(z.string().min(1)).default([]).describe('distribution names to drop'),
      file: z.string().min(1).default('requirements.txt'),
    }),
    async run({ add, remove, file }, { workspace }) {
      const box = sandbox(workspace);
      const before = (await box.exists(file)) ? await box.readFile(file) : '';
      const added = new Map(
        add.map((spec) => [canonicalName(parseRequirements(spec)[0]!.name), spec]),
      );
      const dropped = new Set(remove.map(canonicalName));
      const lines: string[] = [];
      for (const line of before.split(/\r?\n/)) {
        const requirement = parseRequirements(line)[0];
        const key = requirement ? canonicalName(requirement.name) : undefined;
        if (key !== undefined && (dropped.has(key) || added.has(key))) continue;
        if (line.trim() !== '' || lines.length > 0) lines.push(line);
      }
      while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
      lines.push(...added.values());
      const after = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      await box.writeFile(file, after);
      return succeeded(`${file} now reads:\n${after}`);
    },
  });
}
