import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '@codegod/config';
import type { RunReport, TaskGraph } from '@codegod/protocol';
import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';
import { EXIT, setRunExitCode } from '../exit-code.js';
import { readPlanFile } from '../plan-file.js';
import { runDistributed } from '../run-distributed.js';
import { runEmbedded } from '../run-embedded.js';
import { terminalLine } from '../terminal-text.js';
import { writeRunReport } from '../write-run-report.js';

/** Options of `codegod build`. */
interface BuildOptions {
  workspace: string;
  plan?: string;
  json?: boolean;
  llmUrl?: string;
  model?: string;
  maxReplans?: string;
  timeout?: string;
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

/**
 * Prints a short summary of the report on stderr, so stdout can stay JSON with --json. Reasons
 * and outputs come from models and commands: one line each, without terminal control sequences.
 */
export function printSummary(report: RunReport, out: NodeJS.WritableStream): void {
  const done = report.tasks.filter((t) => t.state === 'succeeded').length;
  out.write(
    `\nrun ${report.run_id} ${report.state}: ${terminalLine(report.reason, 500)}\n` +
      `  ${done}/${report.tasks.length} tasks succeeded, ${report.replan_rounds} replan rounds, ` +
      `${report.tokens.total} tokens, ${((report.duration_ms ?? 0) / 1000).toFixed(1)}s\n`,
  );
  for (const task of report.tasks.filter((t) => t.state !== 'succeeded')) {
    const why = terminalLine(task.reason ?? task.output ?? '', 300);
    out.write(`  ${task.id} (${task.role}) ${task.state}: ${why}\n`);
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
    .addHelpText(
      'after',
      '\nExit codes: 0 the run succeeded; 1 the run failed (its report says why); 2 bad usage or\n' +
        'bad input, or the LLM or Redis unreachable or misbehaving before the run could start\n' +
        '(timeout, a reply that is not an OpenAI-compatible JSON reply, a reply over\n' +
        'LLM_MAX_REPLY_BYTES).',
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
      const report = config.redisUrl
        ? await runDistributed(config, request)
        : await runEmbedded(config, request);
      const written = await writeRunReport(workspace, report);
      printSummary(report, process.stderr);
      if (written.refused) process.stderr.write(`codegod: ${written.refused}\n`);
      process.stderr.write(`  report: ${written.path}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      setRunExitCode(report.state === 'succeeded' ? EXIT.ok : EXIT.failed);
    });
}
