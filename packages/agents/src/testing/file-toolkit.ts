import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import {
  type ActionDefinition,
  type ActionOutcome,
  createCheckRunner,
  type RoleToolkit,
} from '@codegod/actions';
import type { WorkerRole } from '@codegod/protocol';
import { z } from 'zod';

/** Settings of `createFileToolkit`. */
export interface FileToolkitOptions {
  /** The role the toolkit serves. Default: `backend`. */
  role?: WorkerRole;
  /** The file the validator checks, relative to the workspace. Required. */
  path: string;
  /** The content that file must have for the task to be valid. Required. */
  content: string;
}

/** Resolves `path` inside `workspace`, or undefined when it escapes. */
function confined(workspace: string, path: string): string | undefined {
  const full = resolve(workspace, path);
  return full === workspace || full.startsWith(workspace + sep) ? full : undefined;
}

const failure = (code: string, message: string): ActionOutcome => ({
  success: false,
  output: '',
  error: { code, message, isRetryable: false },
});

const writeFileInput = z.object({ path: z.string().min(1), content: z.string() });
const readFileInput = z.object({ path: z.string().min(1) });

/** `write_file`: writes a file in the workspace, creating its folders. */
export const writeFileAction: ActionDefinition<typeof writeFileInput> = {
  name: 'write_file',
  description: 'Write a text file (path relative to the workspace), replacing it if it exists.',
  input: writeFileInput,
  async run({ path, content }, { workspace }) {
    const full = confined(workspace, path);
    if (!full) return failure('path-outside-workspace', `${path} is outside the workspace`);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
    return { success: true, output: `wrote ${content.length} characters to ${path}` };
  },
};

/** `read_file`: returns a file's content, or fails when it is missing. */
export const readFileAction: ActionDefinition<typeof readFileInput> = {
  name: 'read_file',
  description: 'Read a text file (path relative to the workspace).',
  input: readFileInput,
  async run({ path }, { workspace }) {
    const full = confined(workspace, path);
    if (!full) return failure('path-outside-workspace', `${path} is outside the workspace`);
    try {
      return { success: true, output: await readFile(full, 'utf8') };
    } catch {
      return failure('file-not-found', `${path} does not exist`);
    }
  },
};

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = resolve(dir, entry.name);
      return entry.isDirectory() ? listFiles(root, full) : [relative(root, full)];
    }),
  );
  return nested.flat().sort();
}

/**
 * A small real toolkit for tests of the agent loop: it writes and reads files in the
 * workspace, observes the files and their hashes, validates one file's content, and runs the
 * task's acceptance checks with the real check runner (direct runner).
 */
export function createFileToolkit(options: FileToolkitOptions): RoleToolkit {
  return {
    ...createCheckRunner(),
    role: options.role ?? 'backend',
    actions: [writeFileAction, readFileAction] as readonly ActionDefinition[],
    async observe(_task, { workspace }) {
      const files = await listFiles(workspace);
      const hashes = await Promise.all(
        files.map(async (file) =>
          createHash('sha256')
            .update(await readFile(resolve(workspace, file)))
            .digest('hex')
            .slice(0, 12),
        ),
      );
      return {
        files: Object.fromEntries(files.map((file, i) => [file, hashes[i]])),
        findings: files.length === 0 ? ['the workspace is empty'] : files.map((f) => `${f} exists`),
      };
    },
    async validate(_task, { workspace }) {
      const full = confined(workspace, options.path);
      const actual = full ? await readFile(full, 'utf8').catch(() => undefined) : undefined;
      if (actual === options.content) {
        return { valid: true, output: `${options.path} has the expected content` };
      }
      return {
        valid: false,
        output:
          actual === undefined
            ? `${options.path} does not exist`
            : `${options.path} has ${JSON.stringify(actual.slice(0, 80))}, expected ${JSON.stringify(options.content)}`,
      };
    },
  };
}
