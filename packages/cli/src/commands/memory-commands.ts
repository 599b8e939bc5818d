import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';
import { withFleet } from '../fleet-connection.js';

/** `codegod wipe [--agent ID]`: clears agents' working memory, keeping role and knowledge. */
export function wipeCommand(): Command {
  return new Command('wipe')
    .description(
      "wipe agents' memory (current task, history, observations); roles and knowledge stay",
    )
    .option('--agent <id>', 'wipe only this agent (default: every agent of the fleet)')
    .action(async (options: { agent?: string }) =>
      withFleet(async ({ memory }) => {
        if (options.agent) {
          const known = await memory.listAgents();
          if (!known.includes(options.agent)) {
            throw new CodegodError(
              'agent-unknown',
              `No memory for agent ${options.agent}. Agents with a memory: ${known.join(', ') || 'none'}.`,
            );
          }
          await memory.wipe(options.agent);
          process.stdout.write(`wiped ${options.agent}\n`);
          return;
        }
        const wiped = await memory.wipeAll();
        process.stdout.write(
          `wiped ${wiped.length} agents${wiped.length ? `: ${wiped.join(', ')}` : ''}\n`,
        );
      }),
    );
}

/** `codegod checkpoint --agent ID`: saves an agent's memory and prints the checkpoint id. */
export function checkpointCommand(): Command {
  return new Command('checkpoint')
    .description("save an agent's memory; prints the checkpoint id for `codegod restore`")
    .requiredOption('--agent <id>', 'the agent whose memory to save')
    .option('--ttl <seconds>', 'expire the checkpoint after this many seconds (default: 7 days)')
    .action(async (options: { agent: string; ttl?: string }) =>
      withFleet(async ({ memory }) => {
        const ttl = options.ttl === undefined ? undefined : Number(options.ttl);
        if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) {
          throw new CodegodError(
            'usage',
            `--ttl must be a whole number of seconds (got ${options.ttl})`,
          );
        }
        const id = await memory.checkpoint(
          options.agent,
          ttl === undefined ? {} : { ttlSeconds: ttl },
        );
        process.stdout.write(`${id}\n`);
      }),
    );
}

/** `codegod restore --agent ID CHECKPOINT`: makes a checkpoint the agent's memory again. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description("make a saved checkpoint an agent's current memory")
    .requiredOption('--agent <id>', 'the agent whose memory to restore')
    .argument('<checkpoint>', 'the id printed by `codegod checkpoint`')
    .action(async (checkpoint: string, options: { agent: string }) =>
      withFleet(async ({ memory }) => {
        const restored = await memory.restore(options.agent, checkpoint);
        process.stdout.write(
          `restored ${options.agent} from ${checkpoint}: ${restored.completed_tasks.length} completed tasks, ` +
            `${restored.observations.length} observations\n`,
        );
      }),
    );
}
