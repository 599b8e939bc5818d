import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CodegodError, type TaskGraph, taskGraphSchema } from '@codegod/protocol';
import { z } from 'zod';

/**
 * Where an instance's broken project comes from: a directory copied afresh for every run, or a
 * setup script (run with `sh`) that builds it in an empty directory. Paths are relative to the
 * instances file.
 */
export const workspaceSourceSchema = z.union([
  z.string().min(1).describe('a directory to copy'),
  z.object({ copy: z.string().min(1) }).strict(),
  z.object({ setup: z.string().min(1) }).strict(),
]);

/**
 * One line of an instances file. The SetupBench fields where they overlap (`instance_id`,
 * `problem_statement`, `success_command`); unknown fields are kept and copied to the results.
 */
export const benchInstanceSchema = z
  .object({
    instance_id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-" only'),
    problem_statement: z.string().min(1),
    /** A shell command line; exit 0 means solved. Runs in the workspace. */
    success_command: z.string().min(1).max(8192),
    workspace: workspaceSourceSchema,
    /** Wall-time budget of the codegod run, in seconds. Default: the harness's --timeout. */
    timeout_s: z.number().int().positive().optional(),
    category: z.string().min(1).optional(),
    /** Environment for codegod and the checks; `{workspace}` in a value is the fresh workspace. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
    /** A task graph (inline, or a file relative to the instances file) run instead of decomposing. */
    plan: z.union([z.string().min(1), taskGraphSchema]).optional(),
    /** The scripted oracle policy's answer (inline, or a JSON file); see policies/oracle-policy.ts. */
    oracle: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  })
  .loose();

type KnownFields = z.infer<ReturnType<typeof benchInstanceSchema.strip>>;

/** One instance, with its paths made absolute and its unknown fields in `extra`. */
export interface BenchInstance extends Omit<KnownFields, 'workspace' | 'plan' | 'oracle'> {
  workspace: { copy: string } | { setup: string };
  plan?: TaskGraph | string;
  oracle?: string | Record<string, unknown>;
  /** The fields the harness does not know, kept for the results. */
  extra: Record<string, unknown>;
  /** The 1-based line of the instances file it came from. */
  line: number;
}

/** A line of an instances file that is not a valid instance. */
export interface BadInstanceLine {
  line: number;
  message: string;
}

/** What readInstances found: the good instances and every bad line. */
export interface InstancesFile {
  path: string;
  instances: BenchInstance[];
  bad: BadInstanceLine[];
}

/** The first issue of a zod error as `field: message`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/**
 * Reads an instances file (JSONL: one instance per line; blank lines and `#` lines skipped).
 * Bad lines and duplicate ids are reported with their line numbers, not thrown.
 */
export async function readInstances(path: string): Promise<InstancesFile> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CodegodError(
      'usage',
      `cannot read instances file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const base = dirname(file);
  const instances: BenchInstance[] = [];
  const bad: BadInstanceLine[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      bad.push({ line, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const parsed = benchInstanceSchema.safeParse(json);
    if (!parsed.success) {
      bad.push({ line, message: firstIssue(parsed.error) });
      continue;
    }
    const instance = parsed.data as KnownFields;
    const extra = Object.fromEntries(
      Object.entries(parsed.data).filter(([key]) => !(key in benchInstanceSchema.shape)),
    );
    const first = seen.get(instance.instance_id);
    if (first !== undefined) {
      bad.push({ line, message: `instance_id ${instance.instance_id} repeats line ${first}` });
      continue;
    }
    seen.set(instance.instance_id, line);
    const source = instance.workspace;
    const workspace =
      typeof source === 'string'
        ? { copy: resolve(base, source) }
        : 'copy' in source
          ? { copy: resolve(base, source.copy) }
          : { setup: resolve(base, source.setup) };
    const known = Object.fromEntries(
      Object.entries(parsed.data).filter(([key]) => key in benchInstanceSchema.shape),
    ) as KnownFields;
    instances.push({
      ...known,
      workspace,
      ...(typeof instance.plan === 'string' ? { plan: resolve(base, instance.plan) } : {}),
      ...(typeof instance.oracle === 'string' ? { oracle: resolve(base, instance.oracle) } : {}),
      extra,
      line,
    } as BenchInstance);
  }
  return { path: file, instances, bad };
}
