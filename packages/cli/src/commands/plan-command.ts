import { describeCheck, taskGraphWaves } from '@codegod/protocol';
import { Command } from 'commander';
import { readPlanFile } from '../plan-file.js';

/** `codegod plan FILE`: validates a plan file and prints its parallel waves. */
export function planCommand(): Command {
  return new Command('plan')
    .description('validate a plan file (a task graph) and print the waves it would run in')
    .argument(
      '<file>',
      'plan file: JSON with "tasks" of id, description, role, depends_on and optional acceptance checks',
    )
    .option('--json', 'print the waves as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const graph = await readPlanFile(file);
      const waves = taskGraphWaves(graph);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ waves: waves.map((w) => w.map((t) => t.id)) }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(`${graph.tasks.length} tasks in ${waves.length} waves\n`);
      waves.forEach((wave, index) => {
        process.stdout.write(`wave ${index + 1}:\n`);
        for (const task of wave) {
          const after = task.depends_on.length > 0 ? ` (after ${task.depends_on.join(', ')})` : '';
          process.stdout.write(
            `  ${task.id.padEnd(24)} ${task.role.padEnd(9)} ${task.description}${after}\n`,
          );
          const checks = task.acceptance ?? [];
          if (checks.length === 0) {
            process.stdout.write(`    no acceptance checks: success will be unverified\n`);
          }
          for (const check of checks) process.stdout.write(`    check: ${describeCheck(check)}\n`);
        }
      });
    });
}
