import { readFile } from 'node:fs/promises';
import { WORKER_ROLES } from '@codegod/protocol';
import { z } from 'zod';
import type { BenchInstance } from '../bench-instance.js';
import type { PolicyTask, ScriptedPolicy } from './scripted-policy.js';

/** An instance's `oracle`: the tasks that solve it and each one's steps. */
export const oracleSchema = z
  .object({
    tasks: z
      .array(
        z
          .object({
            id: z.string().min(1),
            description: z.string().min(1),
            role: z.enum(WORKER_ROLES),
            depends_on: z.array(z.string()).default([]),
            acceptance: z
              .array(z.object({ type: z.enum(['command', 'file', 'http']) }).loose())
              .min(1),
            steps: z
              .array(
                z.object({ action: z.string().min(1), args: z.record(z.string(), z.unknown()) }),
              )
              .min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

async function readOracle(instance: BenchInstance): Promise<PolicyTask[]> {
  const source = instance.oracle;
  if (source === undefined) throw new Error(`instance ${instance.instance_id} has no "oracle"`);
  const json = typeof source === 'string' ? JSON.parse(await readFile(source, 'utf8')) : source;
  const parsed = oracleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `instance ${instance.instance_id}: oracle ${issue.path.map(String).join('.')}: ${issue.message}`,
    );
  }
  return parsed.data.tasks as PolicyTask[];
}

/**
 * `oracle`: the rules that solve each instance, written next to it (its `oracle` field). A
 * high solve rate under it shows the harness and the suite work; a model is not involved.
 */
export const oraclePolicy: ScriptedPolicy = {
  name: 'oracle',
  async problemWith(instance) {
    try {
      await readOracle(instance);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  tasksFor: readOracle,
};
