import { readFileSync } from 'node:fs';
import { CodegodError, stripTerminalControls } from '@codegod/protocol';
import { Command, CommanderError } from 'commander';
// Command modules import only light modules at the top, so `--help`, `plan` and usage errors
// start fast; each action imports the heavy packages it needs (fleet, actions, bench) itself.
// light-start.int.test.ts checks it.
import { benchCommand } from './commands/bench-command.js';
import { buildCommand } from './commands/build-command.js';
import { exampleCommand } from './commands/example-command.js';
import { fleetCommand } from './commands/fleet-command.js';
import { checkpointCommand, restoreCommand, wipeCommand } from './commands/memory-commands.js';
import { modelsCommand } from './commands/models-command.js';
import { planCommand } from './commands/plan-command.js';
import { resumeCommand, runsCommand, showCommand } from './commands/run-commands.js';
import { statusCommand } from './commands/status-command.js';
import { EXIT, exitCodeOf, takeRunExitCode } from './exit-code.js';

/** The CLI package's version (src/ and dist/ both sit one level below package.json). */
function cliVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** The `codegod` program with all its commands. */
export function createProgram(): Command {
  const program = new Command('codegod')
    .description('codegod: a self-hosted fleet of LLM agents for software work')
    .version(cliVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(buildCommand());
  program.addCommand(planCommand());
  program.addCommand(benchCommand());
  program.addCommand(statusCommand());
  program.addCommand(runsCommand());
  program.addCommand(showCommand());
  program.addCommand(resumeCommand());
  program.addCommand(wipeCommand());
  program.addCommand(checkpointCommand());
  program.addCommand(restoreCommand());
  program.addCommand(modelsCommand());
  program.addCommand(exampleCommand());
  program.addCommand(fleetCommand());
  // One hint line after an error, not the whole help: the error is what the user must read.
  const exitOverrideAll = (command: Command): void => {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(exitOverrideAll);
  };
  program.commands.forEach(exitOverrideAll);
  return program;
}

/** Runs the CLI and returns its exit code; errors become one line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return takeRunExitCode() ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message; help and version exit 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (CodegodError.is(error)) {
      // Expected failures are one line, no stack. Messages may quote a model or a server.
      process.stderr.write(`codegod: ${stripTerminalControls(error.message)}\n`);
      return exitCodeOf(error);
    }
    process.stderr.write(`codegod: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
