import type { CommandRunner } from '@codegod/actions';
import type { CodegodConfig } from '@codegod/config';
import {
  defaultToolkits,
  failedRunReport,
  type MemoryBackend,
  memoryBackend,
  startEmbeddedFleet,
} from '@codegod/fleet';
import { createEmbeddedLlmClient, createLlmClient, type LlmClient } from '@codegod/llm';
import { newRunId, type RunRequest } from '@codegod/orchestrator';
import { CodegodError, type RunReport } from '@codegod/protocol';
import {
  type EmbeddedDashboardOptions,
  keepServing,
  startEmbeddedDashboard,
} from './embedded-dashboard.js';
import type { LlmTarget } from './llm-target.js';
import { ProgressView } from './progress-view.js';
import { terminalText } from './terminal-text.js';
import { createWorkspace } from './workspace-folder.js';

/** Checks the LLM answers and serves the model; a one-line error says what to do if not. */
async function checkLlm(llm: LlmClient): Promise<void> {
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
 * command of every role goes through `runner`. With `ui`, the dashboard serves the run. Once
 * the LLM has answered the health check the run has started, and it always ends with a report,
 * failed decompositions included.
 */
export async function runEmbedded(
  config: CodegodConfig,
  request: RunRequest,
  runner: CommandRunner,
  target: LlmTarget = { kind: 'server' },
  ui?: EmbeddedDashboardOptions,
): Promise<EmbeddedOutcome> {
  const backend = memoryBackend();
  if (target.kind === 'local') {
    const llm = createEmbeddedLlmClient({
      modelPath: target.modelPath,
      tokenMeter: backend.tokens,
    });
    process.stderr.write(`codegod: embedded engine on ${target.modelPath} (${target.why})\n`);
    try {
      return await runWith(llm, backend, request, runner, ui);
    } finally {
      await llm.close();
    }
  }
  const llm = createLlmClient({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    tokenMeter: backend.tokens,
  });
  return runWith(llm, backend, request, runner, ui);
}

/** Checks the LLM, then runs the master and the workers on it until the run ends. */
async function runWith(
  llm: LlmClient,
  backend: MemoryBackend,
  request: RunRequest,
  runner: CommandRunner,
  ui: EmbeddedDashboardOptions | undefined,
): Promise<EmbeddedOutcome> {
  await checkLlm(llm);
  // Only now: a run that cannot start leaves no empty folder behind.
  await createWorkspace(request.workspace);
  const view = new ProgressView(process.stderr);
  const fleet = await startEmbeddedFleet({
    llm,
    backend,
    toolkits: defaultToolkits({ runner }),
    onNotice: (_runId, message) => process.stderr.write(`codegod: ${terminalText(message)}\n`),
  });
  const dashboard = ui
    ? await startEmbeddedDashboard(
        {
          bus: fleet.bus,
          memory: fleet.memory,
          tokenUsage: (runId) => backend.tokens.usage(runId),
        },
        ui.settings,
      ).catch(async (error: unknown) => {
        view.close();
        await fleet.close();
        throw error;
      })
    : undefined;
  if (dashboard) process.stderr.write(`codegod: dashboard: ${dashboard.url}\n`);
  const runId = request.runId ?? newRunId();
  const unsubscribe = fleet.bus.tailEvents(runId, (event) => view.update(event));
  const controller = new AbortController();
  const interrupt = () => {
    process.stderr.write('\ncodegod: interrupted; cancelling the run (Ctrl-C again to quit now)\n');
    process.off('SIGINT', interrupt);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  const submittedAt = Date.now();
  try {
    const report = await fleet.orchestrator.run(
      { ...request, runId },
      { signal: controller.signal },
    );
    process.off('SIGINT', interrupt);
    if (dashboard && ui && ui.keepSeconds > 0 && !controller.signal.aborted) {
      view.close();
      process.stderr.write(`codegod: run ${report.state}; dashboard: ${dashboard.url}\n`);
      await keepServing(ui.keepSeconds, process.stderr);
    }
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
    const report = {
      ...failedRunReport(submission, error),
      tokens: await backend.tokens.usage(runId),
    };
    return { report, error };
  } finally {
    process.off('SIGINT', interrupt);
    unsubscribe();
    view.close();
    await dashboard?.close();
    await fleet.close();
  }
}
