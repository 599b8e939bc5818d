import { WORKER_ROLES } from '@codegod/protocol';
import { Command } from 'commander';
import { withFleet } from '../fleet-connection.js';

/** `codegod status`: agents, queue depths and task metrics of the fleet. */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      'show the fleet: agents and their heartbeats, queue depths, task and token metrics',
    )
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) =>
      withFleet(async ({ bus }) => {
        const [agents, metrics, queues, runs] = await Promise.all([
          bus.agents(),
          bus.metrics(),
          bus.queueDepths(),
          bus.listRuns(),
        ]);
        const running = runs.filter((r) => r.state === 'running');
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ agents, queues, metrics, running_runs: running }, null, 2)}\n`,
          );
          return;
        }
        const now = Date.now();
        process.stdout.write(`agents (${agents.length}):\n`);
        for (const a of agents.sort((x, y) => x.agent_id.localeCompare(y.agent_id))) {
          const seen = `${((now - a.last_seen) / 1000).toFixed(1)}s ago`;
          process.stdout.write(
            `  ${a.agent_id.padEnd(28)} ${a.role.padEnd(9)} ${a.state.padEnd(9)} ${(a.current_task ?? '-').padEnd(30)} ${seen}\n`,
          );
        }
        process.stdout.write('queues (waiting / active / delayed / failed):\n');
        for (const role of WORKER_ROLES) {
          const q = queues[role];
          process.stdout.write(
            `  ${role.padEnd(9)} ${q.waiting} / ${q.active} / ${q.delayed} / ${q.failed}\n`,
          );
        }
        process.stdout.write(
          `tasks: ${Object.entries(metrics)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}\n`,
        );
        process.stdout.write(
          `runs in progress: ${running.map((r) => r.runId).join(', ') || 'none'}\n`,
        );
      }),
    );
}
