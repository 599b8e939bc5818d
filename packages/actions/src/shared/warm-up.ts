import type { Task } from '@codegod/protocol';
import { warmCommandCheck } from '../acceptance/command-check.js';
import type { WarmUp } from '../action.js';
import type { RunOptions, Sandbox } from '../sandbox/sandbox.js';
import type { WarmSpare } from '../sandbox/spares/spare-pool.js';

/** A command a role's Validate will run through `Sandbox.run`. */
export interface PlannedRun {
  command: string;
  args: readonly string[];
  options?: RunOptions;
}

/**
 * Starts spares for `health` (the role's health-check commands) and the task's `command`
 * checks, in `box`; commands without a spare start nothing. Dispose kills the unused ones.
 */
export async function warmUpFor(
  box: Sandbox,
  task: Task,
  health: readonly PlannedRun[],
): Promise<WarmUp> {
  const starting: Promise<WarmSpare | undefined>[] = [
    ...health.map((run) => box.warm(run.command, run.args, run.options)),
    ...(task.acceptance ?? []).flatMap((check) =>
      check.type === 'command' ? [warmCommandCheck(box, check)] : [],
    ),
  ];
  // Best effort: a spare that could not start only means Validate spawns as before.
  const spares = (await Promise.allSettled(starting)).flatMap((started) =>
    started.status === 'fulfilled' && started.value ? [started.value] : [],
  );
  return {
    async dispose() {
      await Promise.all(spares.map((spare) => spare.dispose()));
    },
  };
}
