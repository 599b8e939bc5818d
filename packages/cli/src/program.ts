import { CodegodError } from '@codegod/protocol';
import { Command, CommanderError } from 'commander';
import { planCommand } from './commands/plan-command.js';

/** Exit codes: 0 success, 1 the run failed, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The `codegod` program with all its commands. */
export function createProgram(): Command {
  const program = new Command('codegod')
    .description('codegod: a self-hosted fleet of LLM agents for software work')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(planCommand());
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  return program;
}

/** Runs the CLI and returns its exit code; errors become one line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message; help and version exit 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (CodegodError.is(error)) {
      process.stderr.write(`codegod: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`codegod: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
