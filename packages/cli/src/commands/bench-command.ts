import { fileURLToPath } from 'node:url';
import { onStopSignals } from '@codegod/config';
import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';
import { EXIT, setRunExitCode } from '../exit-code.js';

/** Options of `codegod bench`. */
interface BenchOptions {
  out: string;
  fleet?: boolean;
  parallel: string;
  resume?: boolean;
  policy?: string;
  servePolicy?: string;
  llmUrl?: string;
  model?: string;
  sandbox?: string;
  timeout?: string;
  only?: string;
}

/** The codegod CLI itself, as each instance's `codegod build` child runs it. */
const CODEGOD_BIN = fileURLToPath(new URL('../../bin/codegod.js', import.meta.url));

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CodegodError(
      'usage',
      `${flag} must be a whole number ≥ ${min} (got ${JSON.stringify(value)})`,
    );
  return n;
}

/** Runs until SIGINT/SIGTERM: the policy server a fleet points VLLM_API_URL at. */
async function servePolicy(instancesPath: string, name: string): Promise<void> {
  const { loadBenchInstances, startNamedPolicy } = await import('@codegod/bench');
  const { instances } = await loadBenchInstances(instancesPath, process.stderr);
  const server = await startNamedPolicy(name, instances);
  process.stdout.write(`${server.url}\n`);
  await new Promise<void>((done) => {
    const stopSignals = onStopSignals(() => {
      stopSignals();
      done();
    });
  });
  await server.close();
}

/** `codegod bench INSTANCES`: how often codegod really solves set-up problems. */
export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'run SetupBench-style instances (JSONL) through codegod build and check each one independently',
    )
    .argument(
      '<instances>',
      'JSONL, one instance a line: instance_id, problem_statement, success_command, workspace (a dir to copy, or {"setup": script}), optional timeout_s, category, plan, env',
    )
    .option('--out <dir>', 'where results.jsonl, report.html and work/ go', 'bench-out')
    .option('--fleet', 'run on the fleet REDIS_URL names (default: embedded, no Redis)')
    .option('--parallel <n>', 'instances at once', '1')
    .option('--resume', 'skip instances already in <out>/results.jsonl (else it starts afresh)')
    .option('--policy <name>', 'answer with a scripted policy instead of a model: oracle, lazy')
    .option(
      '--serve-policy <name>',
      'only serve the policy: print its URL (for a fleet VLLM_API_URL) and run until Ctrl-C',
    )
    .option('--llm-url <url>', 'OpenAI-compatible API base URL (default: $VLLM_API_URL)')
    .option('--model <name>', 'model name (default: $LLM_MODEL)')
    .option('--sandbox <kind>', 'how embedded runs confine commands (see codegod build --help)')
    .option('--timeout <seconds>', 'wall-time budget of a run without timeout_s', '600')
    .option('--only <ids>', 'run only these instance ids (comma-separated)')
    .addHelpText(
      'after',
      "\nSolved means the instance's success_command passed when the harness ran it in a fresh shell\n" +
        'after codegod stopped. A false success is a run codegod called succeeded that is not solved.\n' +
        'Ctrl-C stops the bench; results.jsonl then holds the finished instances, and --resume\n' +
        'runs the rest.\n' +
        '\nExit codes: 0 the bench ran (whatever the solve rate); 2 bad usage or an instances file with\n' +
        'no valid instance; 130 interrupted.',
    )
    .action(async (instancesPath: string, options: BenchOptions) => {
      if (options.servePolicy !== undefined) {
        await servePolicy(instancesPath, options.servePolicy);
        return;
      }
      const parallel = wholeNumber('--parallel', options.parallel, 1);
      const timeoutS = wholeNumber('--timeout', options.timeout ?? '600', 1);
      // Imported here, not at the top: help and usage errors need none of the harness.
      const { benchSession } = await import('@codegod/bench');
      const controller = new AbortController();
      // The first signal stops the running instances; a second (or the grace run out) quits now.
      const stopSignals = onStopSignals(({ force }) => {
        if (force) process.exit(EXIT.interrupted);
        process.stderr.write('\ncodegod: interrupted; stopping the running instances\n');
        controller.abort();
      });
      try {
        const session = await benchSession({
          instancesPath,
          outDir: options.out,
          codegod: [process.execPath, CODEGOD_BIN],
          fleet: options.fleet ?? false,
          parallel,
          resume: options.resume ?? false,
          ...(options.policy !== undefined ? { policy: options.policy } : {}),
          ...(options.llmUrl !== undefined ? { llmUrl: options.llmUrl } : {}),
          ...(options.model !== undefined ? { model: options.model } : {}),
          ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
          timeoutS,
          ...(options.only ? { only: options.only.split(',').map((id) => id.trim()) } : {}),
          log: process.stderr,
          signal: controller.signal,
        });
        process.stdout.write(session.summary);
        process.stderr.write(
          `  results: ${session.resultsPath}\n  report: ${session.reportPath}\n`,
        );
        if (session.skipped > 0)
          process.stderr.write(
            `  ${session.skipped} instance(s) skipped: already in the results (--resume)\n`,
          );
        if (session.interrupted) setRunExitCode(EXIT.interrupted);
      } finally {
        stopSignals();
      }
    });
}
