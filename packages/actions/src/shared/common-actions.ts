import { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { defineAction } from './define-action.js';
import { failed, fromCommand, succeeded } from './outcome.js';
import type { SandboxFactory } from './sandbox-for.js';

/** Characters of a file shown by read_file before it is cut. */
const READ_LIMIT = 64 * 1024;

/** read_file: shows a file inside the workspace. */
export function readFileAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'read_file',
    description: 'Show the contents of a file in the workspace.',
    input: z.object({ path: z.string().min(1).describe('path relative to the workspace') }),
    async run({ path }, { workspace }) {
      // Env secrets and token shapes go here; the workspace's own .env values and keys are
      // taken out by the agent's workspace redactor before the output is recorded anywhere.
      const box = sandbox(workspace);
      const text = box.redact(await box.readFile(path));
      return succeeded(text.length > READ_LIMIT ? `${text.slice(0, READ_LIMIT)}\n[cut]` : text);
    },
  });
}

/** write_file: creates or replaces a file inside the workspace. */
export function writeFileAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'write_file',
    description: 'Create or replace a text file in the workspace with the given content.',
    input: z.object({
      path: z.string().min(1).describe('path relative to the workspace'),
      content: z.string(),
    }),
    async run({ path, content }, { workspace }) {
      await sandbox(workspace).writeFile(path, content);
      return succeeded(`wrote ${path} (${Buffer.byteLength(content)} bytes)`);
    },
  });
}

/** check_file_exists: succeeds when the path exists inside the workspace. */
export function checkFileExistsAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'check_file_exists',
    description: 'Check that a file or directory exists in the workspace.',
    input: z.object({ path: z.string().min(1).describe('path relative to the workspace') }),
    async run({ path }, { workspace }) {
      if (await sandbox(workspace).exists(path)) return succeeded(`${path} exists`);
      return failed('file-missing', `${path} does not exist in the workspace`);
    },
  });
}

/** run_command: runs one allowlisted executable with an argument array, no shell. */
export function runCommandAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'run_command',
    description:
      'Run one allowlisted executable with separate arguments (no shell: no pipes, redirects or &&).',
    input: z.object({
      command: z.string().min(1).describe('executable, e.g. python3 or venv/bin/python'),
      args: z.array(z.string()).default([]),
      cwd: z.string().optional().describe('working directory relative to the workspace'),
    }),
    async run({ command, args, cwd }, { workspace, signal }) {
      const result = await sandbox(workspace).run(command, args, { cwd, signal });
      return fromCommand(command, result);
    },
  });
}
