import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createCommandRunner, SANDBOX_SETTINGS, UNCONFINED_WARNING } from '@codegod/actions';
import { loadConfig } from '@codegod/config';
import type { RunReport, TaskGraph } from '@codegod/protocol';
import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';
import { EXIT, setRunExitCode } from '../exit-code.js';
import { readPlanFile } from '../plan-file.js';
import { runDistributed } from '../run-distributed.js';
import { runEmbedded } from '../run-embedded.js';

/** Options of `codegod build`. */
interface BuildOptions {
  workspace: string;
  plan?: string;
  json?: boolean;
  llmUrl?: string;
  model?: string;
  maxReplans?: string;
  timeout?: string;
  sandbox?: string;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new CodegodError(
      'usage',
      `${name} must be a whole number (got ${JSON.stringify(value)})`,
    );
  }
  return n;
}

/** Prints a short summary of the report on stderr, so stdout can stay JSON with --json. */
export function printSummary(report: RunReport, out: NodeJS.WritableStream): void {
  const done = report.tasks.filter((t) => t.state === 'succeeded').length;
  out.write(
    `\nrun ${report.run_id} ${report.state}: ${report.reason}\n` +
      `  ${done}/${report.tasks.length} tasks succeeded, ${report.replan_rounds} replan rounds, ` +
      `${report.tokens.total} tokens, ${((report.duration_ms ?? 0) / 1000).toFixed(1)}s\n`,
  );
  for (const task of report.tasks.filter((t) => t.state !== 'succeeded')) {
    out.write(`  ${task.id} (${task.role}) ${task.state}: ${task.reason ?? task.output ?? ''}\n`);
  }
}

/** `codegod build "<problem>"`: solves a problem in a workspace, embedded or on the fleet. */
export function buildCommand(): Command {
  return new Command('build')
    .description(
      'solve a problem in a workspace: runs embedded (no Redis) or, with REDIS_URL set, on the fleet',
    )
    .argument('<problem>', 'the problem, e.g. "Build a Flask + React app" or "Flask not found"')
    .requiredOption('-w, --workspace <dir>', 'the folder the agents work in (created if missing)')
    .option('--plan <file>', 'run this task graph (JSON) instead of asking the LLM to decompose')
    .option('--json', 'print the run report as JSON on stdout')
    .option('--llm-url <url>', 'OpenAI-compatible API base URL (default: $VLLM_API_URL)')
    .option('--model <name>', 'model name (default: $LLM_MODEL)')
    .option('--max-replans <n>', 'replan rounds after failed tasks (default: 3)')
    .option('--timeout <seconds>', 'wall-time budget of the run (default: 3600)')
    .option(
      '--sandbox <kind>',
      `how embedded runs confine commands: ${SANDBOX_SETTINGS.join(', ')} (default: $CODEGOD_SANDBOX, else auto)`,
    )
    .addHelpText(
      'after',
      '\nSandbox: auto confines every command with bubblewrap (read-only system, the workspace the only\n' +
        'writable place, no network except for installs, private /tmp and HOME, resource limits) and\n' +
        'refuses commands when bwrap does not work; install it with `apt-get install bubblewrap`.\n' +
        '`--sandbox none` runs commands with your full rights (a warning is printed and the report\n' +
        'records it). On the fleet (REDIS_URL set), each worker reads CODEGOD_SANDBOX itself.\n' +
        '\nExit codes: 0 the run succeeded, 1 the run failed, 2 bad usage or an unreachable LLM/Redis.',
    )
    .action(async (problem: string, options: BuildOptions) => {
      const config = loadConfig(process.env, {
        llmBaseUrl: options.llmUrl,
        llmModel: options.model,
      });
      const workspace = resolve(options.workspace);
      await mkdir(workspace, { recursive: true });
      const plan: TaskGraph | undefined = options.plan
        ? await readPlanFile(options.plan)
        : undefined;
      const maxReplanRounds = positiveInt('--max-replans', options.maxReplans);
      const timeout = positiveInt('--timeout', options.timeout);
      const limits = {
        ...(maxReplanRounds !== undefined ? { maxReplanRounds } : {}),
        ...(timeout !== undefined ? { maxWallMs: Math.max(1, timeout) * 1000 } : {}),
      };
      const request = { problem, workspace, ...(plan ? { plan } : {}), limits };
      if (config.redisUrl && options.sandbox !== undefined) {
        throw new CodegodError(
          'usage',
          '--sandbox applies to embedded runs; with REDIS_URL set the fleet workers confine commands, each as its own CODEGOD_SANDBOX says.',
        );
      }
      let report: RunReport;
      if (config.redisUrl) {
        report = await runDistributed(config, request);
      } else {
        // Before the LLM is asked anything: a sandbox that cannot work here is one line, exit 2.
        const runner = createCommandRunner(
          options.sandbox !== undefined ? { sandbox: options.sandbox } : {},
        );
        if (runner.kind === 'none')
          process.stderr.write(`codegod: warning: ${UNCONFINED_WARNING}\n`);
        report = await runEmbedded(config, request, runner);
      }
      const file = join(workspace, '.codegod', `${report.run_id}.json`);
      await mkdir(join(workspace, '.codegod'), { recursive: true });
      await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
      printSummary(report, process.stderr);
      process.stderr.write(`  report: ${file}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      setRunExitCode(report.state === 'succeeded' ? EXIT.ok : EXIT.failed);
    });
}
