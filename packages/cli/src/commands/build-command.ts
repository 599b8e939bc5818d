// The sandbox runners, the fleet and the dashboard are imported in the action, for the mode it
// runs; the help text needs only the small module that lists the sandbox settings.
import { SANDBOX_SETTINGS } from '@codegod/actions/command-runner-options';
import { type CodegodConfig, loadConfig } from '@codegod/config';
import {
  type AcceptanceCheck,
  CodegodError,
  MAX_CHECKS,
  type RunReport,
  shellCommandCheck,
  type TaskGraph,
} from '@codegod/protocol';
import { Command } from 'commander';
import { EXIT, exitCodeOf, setRunExitCode } from '../exit-code.js';
import { resolveLlmTarget } from '../llm-target.js';
import { readPlanFile } from '../plan-file.js';
import { printSummary } from '../report-summary.js';
import { terminalLine } from '../terminal-text.js';
import { checkWorkspaceFolder } from '../workspace-folder.js';
import { writeRunReport } from '../write-run-report.js';

/** Options of `codegod build`. */
interface BuildOptions {
  workspace?: string;
  plan?: string;
  json?: boolean;
  llmUrl?: string;
  model?: string;
  maxReplans?: string;
  timeout?: string;
  check: string[];
  checkTimeout?: string;
  requireVerified?: boolean;
  sandbox?: string;
  ui?: boolean;
  uiKeep?: string;
}

/** Seconds a `--check` may run by default: long enough for a project's test suite. */
const CHECK_TIMEOUT_SECONDS = 600;

/** Collects a repeatable option's values. */
const collect = (value: string, previous: string[]) => [...previous, value];

/** The user's `--check` lines as `sh -c` command checks; bad lines are usage errors. */
function userChecks(lines: readonly string[], timeoutSeconds: number): AcceptanceCheck[] {
  if (lines.length > MAX_CHECKS) {
    throw new CodegodError('usage', `--check: at most ${MAX_CHECKS} checks (got ${lines.length})`);
  }
  return lines.map((line) => {
    if (line.trim() === '' || line.length > 8192 || line.includes('\0')) {
      throw new CodegodError(
        'usage',
        `--check must be a shell command line of 1 to 8192 characters (got ${JSON.stringify(line.slice(0, 80))})`,
      );
    }
    return shellCommandCheck(line, timeoutSeconds * 1000);
  });
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

/** Settings from the environment and the flags; a bad value is one line naming the flag and variable. */
function buildConfig(options: BuildOptions, llmBaseUrl: string | undefined): CodegodConfig {
  return loadConfig(process.env, { llmBaseUrl, llmModel: options.model });
}

/** `codegod build "<problem>"`: solves a problem in a workspace, embedded or on the fleet. */
export function buildCommand(): Command {
  return new Command('build')
    .description(
      'solve a problem in a workspace: runs embedded (no Redis) or, with REDIS_URL set, on the fleet',
    )
    .argument('<problem>', 'the problem, e.g. "Build a Flask + React app" or "Flask not found"')
    .option(
      '-w, --workspace <dir>',
      'the folder the agents work in (required; created once the run can start)',
    )
    .option('--plan <file>', 'run this task graph (JSON) instead of asking the LLM to decompose')
    .option('--json', 'print the run report as JSON on stdout')
    .option(
      '--llm-url <url>',
      'OpenAI-compatible API base URL, or local:PATH.gguf to run a model in this process (default: $VLLM_API_URL; else $LLM_MODEL_PATH; else the newest `codegod models pull`)',
    )
    .option('--model <name>', 'model name (default: $LLM_MODEL)')
    .option('--max-replans <n>', 'replan rounds after failed tasks (default: 3)')
    .option('--timeout <seconds>', 'wall-time budget of the run (default: 3600)')
    .option(
      '--check <command line>',
      'a shell command line that must pass once every task has succeeded, e.g. "cd app && pytest -q"; runs in the same sandbox as the agents (repeatable)',
      collect,
      [],
    )
    .option(
      '--check-timeout <seconds>',
      `time each --check may take (default: ${CHECK_TIMEOUT_SECONDS})`,
    )
    .option(
      '--require-verified',
      'exit 1 when the run succeeded but some task had no acceptance checks (unverified)',
    )
    .option(
      '--sandbox <kind>',
      `how embedded runs confine commands: ${SANDBOX_SETTINGS.join(', ')} (default: $CODEGOD_SANDBOX, else auto)`,
    )
    .option(
      '--ui',
      'serve the live dashboard (runs, task DAG, steps, agents) for the length of the run, on 127.0.0.1:$DASHBOARD_PORT (default 3100)',
    )
    .option(
      '--ui-keep <seconds>',
      'with --ui, keep the dashboard up this long after the run ends (default: 0; Ctrl-C ends it)',
    )
    .addHelpText(
      'after',
      '\nSandbox: auto confines every command with bubblewrap (read-only system, the workspace the only\n' +
        'writable place, no network except for installs, private /tmp and HOME, resource limits) and\n' +
        'refuses commands when bwrap does not work; install it with `apt-get install bubblewrap`.\n' +
        '`--sandbox none` runs commands with your full rights (a warning is printed and the report\n' +
        'records it). On the fleet (REDIS_URL set), each worker reads CODEGOD_SANDBOX itself.\n' +
        "Acceptance checks (--check and the tasks' own) run in the same sandbox as the agents.\n" +
        '\nExit codes: 0 the run succeeded; 1 the run failed (its report says why), or it succeeded\n' +
        'unverified with --require-verified; 2 bad usage or bad input, or the LLM or Redis\n' +
        'unreachable or misbehaving before the run could start (timeout, a reply that is not an\n' +
        'OpenAI-compatible JSON reply, a reply over LLM_MAX_REPLY_BYTES).',
    )
    .action(async (problem: string, options: BuildOptions) => {
      // Bad flags fail before anything is created or contacted.
      const checkTimeout = positiveInt('--check-timeout', options.checkTimeout);
      const checks = userChecks(options.check, Math.max(1, checkTimeout ?? CHECK_TIMEOUT_SECONDS));
      // Checked here, not by commander, so an unknown flag is reported as such first.
      if (options.workspace === undefined) {
        throw new CodegodError(
          'usage',
          'build needs -w, --workspace <dir>: the folder the agents work in',
        );
      }
      const target = await resolveLlmTarget(options.llmUrl);
      const uiKeep = positiveInt('--ui-keep', options.uiKeep);
      if (uiKeep !== undefined && !options.ui)
        throw new CodegodError('usage', '--ui-keep needs --ui');
      // A bad DASHBOARD_* setting fails here, before anything is created or contacted.
      const ui = options.ui
        ? {
            settings: (await import('@codegod/dashboard')).resolveDashboardSettings(),
            keepSeconds: uiKeep ?? 0,
          }
        : undefined;
      const config = buildConfig(options, target.kind === 'server' ? target.baseURL : undefined);
      if (config.redisUrl && target.kind === 'local') {
        throw new CodegodError(
          'usage',
          `${target.why} runs the embedded engine, which only embedded runs use; with REDIS_URL set the fleet workers talk to VLLM_API_URL. Unset REDIS_URL, or give --llm-url a server URL.`,
        );
      }
      if (config.redisUrl && (options.llmUrl !== undefined || options.model !== undefined)) {
        throw new CodegodError(
          'usage',
          '--llm-url and --model choose the LLM of an embedded run; with REDIS_URL set the fleet uses its own VLLM_API_URL and LLM_MODEL (given at ./start-agents.sh up). Unset REDIS_URL to run embedded.',
        );
      }
      if (config.redisUrl && ui) {
        throw new CodegodError(
          'usage',
          '--ui serves the dashboard of embedded runs; with REDIS_URL set, open the one the master serves at http://127.0.0.1:<BULL_BOARD_PORT>/dashboard/ (./start-agents.sh up prints it).',
        );
      }
      // Refused before anything is submitted; created only once the LLM or fleet answers.
      const workspace = await checkWorkspaceFolder(
        options.workspace,
        config.redisUrl ? config.workspaceRoot : undefined,
      );
      const plan: TaskGraph | undefined = options.plan
        ? await readPlanFile(options.plan)
        : undefined;
      const maxReplanRounds = positiveInt('--max-replans', options.maxReplans);
      const timeout = positiveInt('--timeout', options.timeout);
      const limits = {
        ...(maxReplanRounds !== undefined ? { maxReplanRounds } : {}),
        ...(timeout !== undefined ? { maxWallMs: Math.max(1, timeout) * 1000 } : {}),
      };
      const request = {
        problem,
        workspace,
        ...(plan ? { plan } : {}),
        limits,
        ...(checks.length > 0 ? { checks } : {}),
      };
      if (config.redisUrl && options.sandbox !== undefined) {
        throw new CodegodError(
          'usage',
          '--sandbox applies to embedded runs; with REDIS_URL set the fleet workers confine commands, each as its own CODEGOD_SANDBOX says.',
        );
      }
      let report: RunReport;
      // A run that started but never got a task graph still has a report; its error sets the code.
      let startError: CodegodError | undefined;
      if (config.redisUrl) {
        const { runDistributed } = await import('../run-distributed.js');
        report = await runDistributed(config, request);
      } else {
        const { createCommandRunner, UNCONFINED_WARNING } = await import('@codegod/actions');
        const { runEmbedded } = await import('../run-embedded.js');
        // Before the LLM is asked anything: a sandbox that cannot work here is one line, exit 2.
        const runner = createCommandRunner(
          options.sandbox !== undefined ? { sandbox: options.sandbox } : {},
        );
        if (runner.kind === 'none')
          process.stderr.write(`codegod: warning: ${UNCONFINED_WARNING}\n`);
        ({ report, error: startError } = await runEmbedded(config, request, runner, target, ui));
      }
      const written = await writeRunReport(workspace, report);
      // A run with no task graph has nothing to summarise: its error is the one line to read.
      if (startError) process.stderr.write(`codegod: ${terminalLine(startError.message, 2000)}\n`);
      else printSummary(report, process.stderr);
      if (written.refused) process.stderr.write(`codegod: ${written.refused}\n`);
      process.stderr.write(`  report: ${written.path}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (startError) {
        setRunExitCode(exitCodeOf(startError));
        return;
      }
      const unverified = report.proof.unverified_tasks;
      if (report.state === 'succeeded' && options.requireVerified && unverified.length > 0) {
        process.stderr.write(
          `codegod: --require-verified: ${unverified.length} task(s) succeeded without acceptance checks: ${unverified.join(', ')}\n`,
        );
        setRunExitCode(EXIT.failed);
        return;
      }
      setRunExitCode(report.state === 'succeeded' ? EXIT.ok : EXIT.failed);
    });
}
