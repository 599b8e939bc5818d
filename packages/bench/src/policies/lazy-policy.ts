import { isWorkerRole, type WorkerRole } from '@codegod/protocol';
import type { BenchInstance } from '../bench-instance.js';
import type { ScriptedPolicy } from './scripted-policy.js';

/**
 * A step that changes nothing, per role (testing has no check_file_exists). A role without one
 * looks as backend: a new role needs no line here.
 */
const LOOK: Partial<Record<WorkerRole, { action: string; args: Record<string, unknown> }>> = {
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
    const category = instance.category ?? '';
    const role: WorkerRole =
      isWorkerRole(category) && LOOK[category] !== undefined ? category : 'backend';
    return [
      {
        id: 'look-around',
        description: `Look at the project: ${instance.problem_statement}`,
        role,
        depends_on: [],
        acceptance: [{ type: 'file', path: '.' }],
        steps: [LOOK[role] ?? LOOK.backend!],
      },
    ];
  },
};
