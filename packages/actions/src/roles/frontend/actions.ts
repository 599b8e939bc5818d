import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import type { ActionDefinition } from '../../action.js';
import { defineAction } from '../../shared/define-action.js';
import { failed, fromCommand, succeeded } from '../../shared/outcome.js';
import type { SandboxFactory } from '../../shared/sandbox-for.js';
import { entryPoint, packageJsonSchema, readPackageJson } from './package-json.js';

/**
 * An npm package from the registry, optionally with a version, range or tag; no URLs, paths or
 * flags (a name may not start with `-`: `-g` would install the workspace globally).
 */
const NPM_SPEC = /^(@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*(@[A-Za-z0-9.^~<>=|*+ -]+)?$/;
const packageSpec = z.string().regex(NPM_SPEC, 'expected a package like react or react@^18');
const scriptName = z.string().regex(/^[A-Za-z0-9:._-]+$/, 'expected a script name like build');

/** npm_install: `npm install`, of the whole package.json or of named packages. */
export function npmInstallAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'npm_install',
    description:
      'Install npm dependencies: all of package.json, or the named packages (saved to it).',
    input: z.object({
      packages: z.array(packageSpec).default([]),
      dev: z.boolean().default(false).describe('save as devDependencies'),
    }),
    async run({ packages, dev }, { workspace, signal }) {
      const args = [
        'install',
        '--no-audit',
        '--no-fund',
        ...(dev ? ['--save-dev'] : []),
        ...packages,
      ];
      // Specs were checked against NPM_SPEC; ranges like >=1 <2 must not trip the `>` check.
      const result = await sandbox(workspace).run('npm', args, {
        signal,
        trustedArguments: true,
        network: true,
      });
      return fromCommand('npm', result);
    },
  });
}

/** npm_run: `npm run <script> -- <args>`. */
export function npmRunAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'npm_run',
    description: 'Run a script from package.json with npm run.',
    input: z.object({ script: scriptName, args: z.array(z.string()).default([]) }),
    async run({ script, args }, { workspace, signal }) {
      const argv = ['run', script, ...(args.length > 0 ? ['--', ...args] : [])];
      return fromCommand('npm', await sandbox(workspace).run('npm', argv, { signal }));
    },
  });
}

/** update_package_json: sets main/type, merges scripts and dependencies, removes dependencies. */
export function updatePackageJsonAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'update_package_json',
    description:
      'Edit package.json: set main or type, add scripts and dependencies (merged), remove dependencies.',
    input: z.object({
      main: z.string().min(1).optional(),
      type: z.enum(['module', 'commonjs']).optional(),
      scripts: z.record(scriptName, z.string()).optional(),
      dependencies: z.record(z.string(), z.string()).optional(),
      devDependencies: z.record(z.string(), z.string()).optional(),
      remove_dependencies: z.array(z.string()).default([]),
    }),
    async run(input, { workspace }) {
      const box = sandbox(workspace);
      const pkg =
        (await readPackageJson(box)) ??
        packageJsonSchema.parse({ name: basename(workspace), version: '0.1.0' });
      if (input.main !== undefined) {
        await box.resolvePath(input.main);
        pkg.main = input.main;
      }
      if (input.type !== undefined) pkg.type = input.type;
      if (input.scripts) pkg.scripts = { ...pkg.scripts, ...input.scripts };
      if (input.dependencies) pkg.dependencies = { ...pkg.dependencies, ...input.dependencies };
      if (input.devDependencies) {
        pkg.devDependencies = { ...pkg.devDependencies, ...input.devDependencies };
      }
      for (const name of input.remove_dependencies) {
        delete pkg.dependencies?.[name];
        delete pkg.devDependencies?.[name];
      }
      const text = `${JSON.stringify(pkg, null, 2)}\n`;
      await box.writeFile('package.json', text);
      return succeeded(`package.json now reads:\n${text}`);
    },
  });
}

/** check_entry_point: the file package.json `main` names exists; suggests where it may live. */
export function checkEntryPointAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'check_entry_point',
    description:
      "Check that the file package.json's main names exists; if not, say where it may be.",
    input: z.object({}),
    async run(_input, { workspace }) {
      const box = sandbox(workspace);
      const pkg = await readPackageJson(box);
      if (!pkg) return failed('file-missing', 'package.json does not exist; create it first');
      const main = entryPoint(pkg);
      if (await box.exists(main)) return succeeded(`entry point ${main} exists`);
      const candidates = [`src/${basename(main)}`, 'src/index.js', 'lib/index.js', 'index.js'];
      const found: string[] = [];
      for (const candidate of candidates) {
        if (candidate !== main && (await box.exists(candidate)) && !found.includes(candidate)) {
          found.push(candidate);
        }
      }
      const hint = found.length > 0 ? `; found ${found.join(', ')}: point main there` : '';
      return failed(
        'entry-point-missing',
        `package.json main is ${main}, which does not exist${hint}`,
      );
    },
  });
}

/** build_frontend: `npm run <script>`, then checks the output folder has files. */
export function buildFrontendAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'build_frontend',
    description: 'Build the frontend with npm run build and check the output folder is not empty.',
    input: z.object({
      script: scriptName.default('build'),
      output_dir: z.string().min(1).default('dist'),
    }),
    async run({ script, output_dir }, { workspace, signal }) {
      const box = sandbox(workspace);
      const args = ['run', script];
      const outcome = fromCommand('npm', await box.run('npm', args, { signal }));
      if (!outcome.success) return outcome;
      const files = await readdir(await box.resolvePath(output_dir)).catch(() => [] as string[]);
      if (files.length === 0) {
        return failed(
          'build-output-missing',
          `npm run ${script} succeeded but ${output_dir}/ is empty or missing`,
          {
            output: outcome.output,
          },
        );
      }
      return succeeded(`${outcome.output}\n${output_dir}/: ${files.join(', ')}`);
    },
  });
}
