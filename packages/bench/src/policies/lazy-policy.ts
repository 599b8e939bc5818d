import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import type { BenchInstance } from '../bench-instance.js';
import type { ScriptedPolicy } from './scripted-policy.js';

/** A step that changes nothing, in each role's toolkit (testing has no check_file_exists). */
const LOOK: Record<WorkerRole, { action: string; args: Record<string, unknown> }> = {
  backend: { action: 'check_file_exists', args: { path: '.' } },
  frontend: { action: 'check_file_exists', args: { path: '.' } },
  devops: { action: 'check_file_exists', args: { path: '.' } },
  testing: { action: 'check_syntax', args: {} },
};

/**
 * `lazy`: one task that only looks (`check_file_exists .`, or `check_syntax` for testing) and a
 * check that always passes (the workspace exists). It must solve nothing and, since only the role's health check and the run's own
 * --check stand between it and "succeeded", it shows whether codegod claims success it did
 * not earn: under it every instance must end not solved and not a false success.
 */
export const lazyPolicy: ScriptedPolicy = {
  name: 'lazy',
  async problemWith() {
    return undefined;
  },
  async tasksFor(instance: BenchInstance) {
    const role: WorkerRole = (WORKER_ROLES as readonly string[]).includes(instance.category ?? '')
      ? (instance.category as WorkerRole)
      : 'backend';
    return [
      {
        id: 'look-around',
        description: `Look at the project: ${instance.problem_statement}`,
        role,
        depends_on: [],
        acceptance: [{ type: 'file', path: '.' }],
        steps: [LOOK[role]],
      },
    ];
  },
};
