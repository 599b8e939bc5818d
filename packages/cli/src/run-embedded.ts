import type { CommandRunner } from '@codegod/actions';
import type { CodegodConfig } from '@codegod/config';
import { createLlmClient } from '@codegod/llm';
import {
  defaultToolkits,
  failedRunReport,
  newRunId,
  type RunRequest,
  RunTokenLedger,
  startEmbeddedFleet,
} from '@codegod/orchestrator';
import { CodegodError, type RunReport } from '@codegod/protocol';
import { ProgressView } from './progress-view.js';
import { terminalText } from './terminal-text.js';
import { createWorkspace } from './workspace-folder.js';

/** Checks the LLM answers and serves the model; a one-line error says what to do if not. */
async function checkLlm(llm: ReturnType<typeof createLlmClient>): Promise<void> {
  const health = await llm.health();
  if (!health.ok) throw new CodegodError('llm-unreachable', health.message);
  if (health.warning) process.stderr.write(`codegod: warning: ${terminalText(health.warning)}\n`);
}

/** How an embedded run ended: its report, and the error when it failed before it could start. */
export interface EmbeddedOutcome {
  report: RunReport;
  /** Set when no task graph could be made (e.g. the LLM failed while decomposing). */
  error?: CodegodError;
}

/**
 * Runs a problem embedded: master and one worker per role in this process, no Redis. Every
 * command of every role goes through `runner`. Once the LLM has answered the health check the
 * run has started, and it always ends with a report, failed decompositions included.
 */
export async function runEmbedded(
  config: CodegodConfig,
  request: RunRequest,
  runner: CommandRunner,
): Promise<EmbeddedOutcome> {
  const ledger = new RunTokenLedger();
  const llm = createLlmClient({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    tokenMeter: ledger,
  });
  await checkLlm(llm);
  // Only now: a run that cannot start leaves no empty folder behind.
  await createWorkspace(request.workspace);
  const view = new ProgressView(process.stderr);
  const fleet = await startEmbeddedFleet({
    llm,
    ledger,
    toolkits: defaultToolkits({ runner }),
    onNotice: (_runId, message) => process.stderr.write(`codegod: ${terminalText(message)}\n`),
  });
  const unsubscribe = fleet.bus.subscribe((event) => view.update(event));
  const controller = new AbortController();
  const interrupt = () => {
    process.stderr.write('\ncodegod: interrupted; cancelling the run (Ctrl-C again to quit now)\n');
    process.off('SIGINT', interrupt);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  const runId = request.runId ?? newRunId();
  const submittedAt = Date.now();
  try {
    const report = await fleet.orchestrator.run(
      { ...request, runId },
      { signal: controller.signal },
    );
    return { report };
  } catch (error) {
    if (!CodegodError.is(error)) throw error;
    const submission = {
      run_id: runId,
      problem: request.problem,
      workspace: request.workspace,
      plan: null,
      limits: null,
      run_checks: [],
      submitted_at: submittedAt,
    };
    const report = { ...failedRunReport(submission, error), tokens: await ledger.usage(runId) };
    return { report, error };
  } finally {
    process.off('SIGINT', interrupt);
    unsubscribe();
    view.close();
    await fleet.close();
  }
}
